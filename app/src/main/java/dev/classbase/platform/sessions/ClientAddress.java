package dev.classbase.platform.sessions;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client's address for throttling: the socket's remote address, or, when that is one of the
 * trusted proxies, the rightmost address of {@code X-Forwarded-For} that is not a trusted proxy
 * (the entries left of it are whatever the client sent, so only the proxies' own appends count).
 * Only IP literals are read, never a name: parsing must not make a DNS lookup.
 */
final class ClientAddress {
    static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final List<Block> trusted;

    ClientAddress(List<String> trustedProxies) {
        this.trusted = parse(trustedProxies);
    }

    String of(HttpServletRequest request) {
        String remote = request.getRemoteAddr();
        Optional<InetAddress> socket = literal(remote);
        if (trusted.isEmpty() || socket.isEmpty() || !isTrusted(socket.get())) {
            return socket.map(InetAddress::getHostAddress).orElse(String.valueOf(remote));
        }
        List<String> hops = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders(FORWARDED_FOR))) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = socket.get();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                break; // garbage: nothing left of it was appended by a proxy we trust
            }
            client = hop.get();
            if (!isTrusted(client)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        for (Block block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The blocks of {@code classbase.sign-in.trusted-proxies}; an entry that is neither an address nor a CIDR block throws. */
    static List<Block> parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            String text = entry.trim();
            int slash = text.indexOf('/');
            Optional<InetAddress> address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address.isEmpty()) {
                throw new IllegalArgumentException(
                        "classbase.sign-in.trusted-proxies: '" + entry + "' is not an IP address or CIDR block");
            }
            int max = address.get().getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException(
                            "classbase.sign-in.trusted-proxies: '" + entry + "' has a prefix length outside 0.." + max);
                }
            }
            blocks.add(new Block(address.get().getAddress(), bits));
        }
        return List.copyOf(blocks);
    }

    /** An IPv4 or IPv6 literal; anything else (a name, garbage) is empty, without a DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = IPV4.matcher(t).matches();
        if (!v4 && !(t.indexOf(':') >= 0 && IPV6.matcher(t).matches())) {
            return Optional.empty();
        }
        try {
            // a literal (checked above) is parsed, never looked up
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** An address block: the first {@code bits} bits of {@code network}. */
    record Block(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest);
            return (a[whole] & mask) == (network[whole] & mask);
        }
    }
}
