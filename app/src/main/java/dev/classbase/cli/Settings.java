package dev.classbase.cli;

import dev.classbase.cluster.ClusterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Settings that come from an option or else from the environment, validated once. */
final class Settings {
    private Settings() {}

    static int httpPort(Integer option) {
        return option != null ? checkPort(option, "--port") : intEnv("CLASSBASE_PORT", 8080);
    }

    static int replicas(Integer option) {
        int value = option != null ? option : intEnv("CLASSBASE_REPLICAS", 1);
        if (value < 0 || value > ClusterConfig.MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be 0 to " + ClusterConfig.MAX_REPLICAS
                    + " (--replicas or CLASSBASE_REPLICAS), got " + value);
        }
        return value;
    }

    private static int checkPort(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a port between 1 and 65535, got " + port);
        }
        return port;
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }

    static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
