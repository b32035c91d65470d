package dev.classbase.data.pgbouncer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads PgBouncer's admin console ({@code SHOW POOLS}, {@code SHOW STATS}, ...) over the wire
 * protocol. pgjdbc cannot: the console reports a server version below 9.0, so pgjdbc sends {@code SET
 * extra_float_digits} after login, which the console refuses. This client speaks just enough of
 * protocol 3: startup, SCRAM-SHA-256 (RFC 7677; md5 and clear-text requests are refused) with the
 * server's signature checked, one simple query, terminate.
 *
 * <p>The password is used as given (no SASLprep), which is exact for ASCII passwords.
 */
public final class PgBouncerAdmin {
    private static final Pattern SHOW_WHAT = Pattern.compile("[A-Za-z_]+");
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PgBouncerAdmin() {}

    /** Runs {@code SHOW <what>} on the {@code pgbouncer} database; one map per row, columns in order. */
    public static List<Map<String, String>> show(String host, int port, String user, String password, String what)
            throws IOException {
        if (!SHOW_WHAT.matcher(what).matches()) {
            throw new IllegalArgumentException("SHOW takes one word (POOLS, STATS, SERVERS, ...), got " + what);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            startup(out, user);
            authenticate(in, out, password);
            send(out, 'Q', cstring("SHOW " + what.toUpperCase(java.util.Locale.ROOT)));
            List<Map<String, String>> rows = readRows(in);
            send(out, 'X', new byte[0]);
            return rows;
        }
    }

    private static void startup(DataOutputStream out, String user) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {0, 3, 0, 0}); // protocol 3.0
        for (String s : new String[] {"user", user, "database", "pgbouncer", "application_name", "classbase"}) {
            body.write(cstring(s));
        }
        body.write(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
    }

    private static void authenticate(DataInputStream in, DataOutputStream out, String password) throws IOException {
        String clientFirstBare = null;
        byte[] saltedPassword = null;
        String authMessage = null;
        while (true) {
            Message m = read(in);
            if (m.type == 'E') {
                throw new IOException("PgBouncer refused the login: " + error(m.body));
            }
            if (m.type != 'R') {
                throw new IOException("unexpected message '" + m.type + "' during login");
            }
            int code = readInt(m.body, 0);
            switch (code) {
                case 0 -> {
                    return;
                }
                case 10 -> {
                    if (!new String(m.body, StandardCharsets.UTF_8).contains("SCRAM-SHA-256")) {
                        throw new IOException("PgBouncer offers no SCRAM-SHA-256");
                    }
                    byte[] nonce = new byte[18];
                    RANDOM.nextBytes(nonce);
                    clientFirstBare = "n=,r=" + Base64.getEncoder().encodeToString(nonce);
                    byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    body.write(cstring("SCRAM-SHA-256"));
                    new DataOutputStream(body).writeInt(first.length);
                    body.write(first);
                    send(out, 'p', body.toByteArray());
                }
                case 11 -> {
                    String serverFirst = new String(m.body, 4, m.body.length - 4, StandardCharsets.UTF_8);
                    Map<String, String> attrs = attributes(serverFirst);
                    String clientNonce = clientFirstBare.substring("n=,r=".length());
                    if (!attrs.getOrDefault("r", "").startsWith(clientNonce)) {
                        throw new IOException("SCRAM: the server's nonce does not extend ours");
                    }
                    saltedPassword = pbkdf2(
                            password, Base64.getDecoder().decode(attrs.get("s")), Integer.parseInt(attrs.get("i")));
                    String finalWithoutProof = "c=biws,r=" + attrs.get("r");
                    authMessage = clientFirstBare + "," + serverFirst + "," + finalWithoutProof;
                    byte[] clientKey = hmac(saltedPassword, "Client Key");
                    byte[] signature = hmac(sha256(clientKey), authMessage);
                    for (int i = 0; i < clientKey.length; i++) {
                        clientKey[i] ^= signature[i];
                    }
                    String clientFinal =
                            finalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(clientKey);
                    send(out, 'p', clientFinal.getBytes(StandardCharsets.UTF_8));
                }
                case 12 -> {
                    String serverFinal = new String(m.body, 4, m.body.length - 4, StandardCharsets.UTF_8);
                    byte[] expected = hmac(hmac(saltedPassword, "Server Key"), authMessage);
                    byte[] actual =
                            Base64.getDecoder().decode(attributes(serverFinal).getOrDefault("v", ""));
                    if (!MessageDigest.isEqual(expected, actual)) {
                        throw new IOException("SCRAM: the server's signature is wrong; not the PgBouncer we trust");
                    }
                }
                default ->
                    throw new IOException(
                            "PgBouncer asks for authentication type " + code + "; only SCRAM-SHA-256 is accepted");
            }
        }
    }

    private static List<Map<String, String>> readRows(DataInputStream in) throws IOException {
        List<String> columns = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        String error = null;
        while (true) {
            Message m = read(in);
            switch (m.type) {
                case 'T' -> {
                    int n = readShort(m.body, 0);
                    int pos = 2;
                    for (int i = 0; i < n; i++) {
                        int end = indexOfZero(m.body, pos);
                        columns.add(new String(m.body, pos, end - pos, StandardCharsets.UTF_8));
                        pos = end + 1 + 18; // table oid, column, type oid, size, modifier, format
                    }
                }
                case 'D' -> {
                    int n = readShort(m.body, 0);
                    int pos = 2;
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        int len = readInt(m.body, pos);
                        pos += 4;
                        row.put(columns.get(i), len < 0 ? null : new String(m.body, pos, len, StandardCharsets.UTF_8));
                        pos += Math.max(len, 0);
                    }
                    rows.add(row);
                }
                case 'E' -> error = error(m.body);
                case 'Z' -> {
                    if (error != null) {
                        throw new IOException("PgBouncer: " + error);
                    }
                    if (!columns.isEmpty() || !rows.isEmpty()) {
                        return rows;
                    }
                    // the ReadyForQuery after login; the query's answer follows
                }
                default -> {
                    // ParameterStatus, BackendKeyData, CommandComplete, NoticeResponse
                }
            }
        }
    }

    private record Message(char type, byte[] body) {}

    private static Message read(DataInputStream in) throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        if (length < 4 || length > 16 * 1024 * 1024) {
            throw new IOException("malformed message from PgBouncer (length " + length + ")");
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    private static void send(DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    private static String error(byte[] body) {
        int pos = 0;
        while (pos < body.length && body[pos] != 0) {
            char field = (char) body[pos];
            int end = indexOfZero(body, pos + 1);
            if (field == 'M') {
                return new String(body, pos + 1, end - pos - 1, StandardCharsets.UTF_8);
            }
            pos = end + 1;
        }
        return "unknown error";
    }

    private static Map<String, String> attributes(String scramMessage) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String part : scramMessage.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                attrs.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return attrs;
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws IOException {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IOException("SCRAM: " + e.getMessage(), e);
        }
    }

    private static byte[] hmac(byte[] key, String data) throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IOException("SCRAM: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(byte[] data) throws IOException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IOException("SCRAM: " + e.getMessage(), e);
        }
    }

    private static byte[] cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    private static int indexOfZero(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != 0) {
            i++;
        }
        return i;
    }

    private static int readInt(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
    }

    private static int readShort(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
    }
}
