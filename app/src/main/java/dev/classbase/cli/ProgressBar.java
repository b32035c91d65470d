package dev.classbase.cli;

import dev.classbase.seed.ProgressListener;
import java.io.PrintStream;

/** A one-line progress bar on stderr; plain lines when stderr is not a terminal (CI logs). */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private final long started = System.nanoTime();

    ProgressBar(PrintStream out) {
        this.out = out;
        this.terminal = System.console() != null;
    }

    @Override
    public void step(int done, int total, String label) {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        String line = String.format(
                "[%s%s] %3d%%  %5.1f s  %s",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                total == 0 ? 100 : done * 100 / total,
                (System.nanoTime() - started) / 1e9,
                label);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, 20 - label.length())));
            if (done >= total) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }
}
