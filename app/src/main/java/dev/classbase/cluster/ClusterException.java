package dev.classbase.cluster;

/** A cluster problem the user can act on; its message is printed as is, without a stack trace. */
public final class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
