package dev.classbase.data.watch;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Sets {@code Classbase-Query-Count} before the response commits. Headers cannot change once the
 * first bytes leave, and a body may be streamed long before the filter regains control, so the
 * header is (re)set at every moment that can commit: the first body write, a flush, a close, an
 * error or redirect, and the end of the request.
 */
final class CountHeaderResponse extends HttpServletResponseWrapper {
    private final QueryScope scope;
    private volatile boolean written;
    private ServletOutputStream stream;
    private PrintWriter writer;

    CountHeaderResponse(HttpServletResponse response, QueryScope scope) {
        super(response);
        this.scope = scope;
    }

    /** Sets the header to the count so far, unless the response is already committed. */
    void stamp() {
        if (!isCommitted()) {
            setHeader(QueryWatchFilter.HEADER, Integer.toString(scope.statements()));
        }
    }

    private void beforeWrite() {
        if (!written) {
            written = true;
            stamp();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new StampingStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            // stamping below PrintWriter: its println() writes past any overridden write method
            writer = new PrintWriter(new StampingWriter(super.getWriter()));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        stamp();
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        stamp();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        stamp();
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        stamp();
        super.sendRedirect(location);
    }

    @Override
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        stamp();
        super.sendRedirect(location, sc, clearBuffer);
    }

    @Override
    public void reset() {
        super.reset(); // drops our header too: the next write sets it again
        written = false;
    }

    private final class StampingStream extends ServletOutputStream {
        private final ServletOutputStream delegate;

        StampingStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWrite();
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWrite();
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            stamp();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            stamp();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }

    private final class StampingWriter extends Writer {
        private final Writer delegate;

        StampingWriter(Writer delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            beforeWrite();
            delegate.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            beforeWrite();
            delegate.write(s, off, len);
        }

        @Override
        public void write(int c) throws IOException {
            beforeWrite();
            delegate.write(c);
        }

        @Override
        public void flush() throws IOException {
            stamp();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            stamp();
            delegate.close();
        }
    }
}
