package dev.classbase.data;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Database addresses as users give them ({@code postgresql://user:secret@host:5432/db} or a JDBC URL
 * with {@code user} and {@code password} parameters), turned into a JDBC URL and credentials, and
 * masked for every log line and error.
 */
public final class JdbcUrls {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;\\s]*");
    private static final Pattern USERINFO_SECRET = Pattern.compile("(//[^:/@\\s]+:)[^@\\s]*@");

    private JdbcUrls() {}

    /** A parsed address: JDBC URL without credentials, user, password, and the hosts for messages. */
    public record Parsed(String jdbcUrl, String user, String password, String hosts) {
        @Override
        public String toString() {
            return mask(jdbcUrl) + " as " + user;
        }
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        return USERINFO_SECRET
                .matcher(PASSWORD_PARAM.matcher(text).replaceAll("$1***"))
                .replaceAll("$1***@");
    }

    public static List<String> split(String commaSeparated) {
        List<String> urls = new ArrayList<>();
        if (commaSeparated == null) {
            return urls;
        }
        // a JDBC URL may itself hold commas (multi-host), so split only before a new scheme
        for (String part : commaSeparated.split(",(?=\\s*(jdbc:|postgres(ql)?://))")) {
            if (!part.isBlank()) {
                urls.add(part.trim());
            }
        }
        return urls;
    }

    public static Parsed parse(String url) {
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            return parseUri(url);
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(
                    "not a PostgreSQL URL: " + mask(url)
                            + " (expected postgresql://user:password@host:port/database or jdbc:postgresql://host:port/database?user=..&password=..)");
        }
        String user = null;
        String password = null;
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        List<String> kept = new ArrayList<>();
        if (q >= 0) {
            for (String param : url.substring(q + 1).split("&")) {
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : decode(param.substring(eq + 1));
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> kept.add(param);
                }
            }
        }
        String jdbc = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
        String hosts = base.substring("jdbc:postgresql://".length());
        int slash = hosts.indexOf('/');
        return new Parsed(jdbc, user, password, slash < 0 ? hosts : hosts.substring(0, slash));
    }

    private static Parsed parseUri(String url) {
        URI uri = URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String db = uri.getPath() == null || uri.getPath().length() <= 1
                ? "postgres"
                : uri.getPath().substring(1);
        String hosts = uri.getHost() + ":" + port;
        String jdbc =
                "jdbc:postgresql://" + hosts + "/" + db + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return new Parsed(jdbc, user, password, hosts);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
