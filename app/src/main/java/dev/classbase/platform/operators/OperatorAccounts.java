package dev.classbase.platform.operators;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Operator accounts (platform staff who run the database console), managed by the schema owner:
 * {@code classbase operators add|list|remove}, and the demo operator {@code serve} seeds. Passwords
 * are hashed as users' are (bcrypt, cost 10, BCryptPasswordEncoder's default).
 */
public final class OperatorAccounts {
    /** bcrypt reads at most 72 bytes of a password; a longer one could never be checked in full. */
    static final int MAX_PASSWORD_BYTES = 72;

    static final int MIN_PASSWORD_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    /** {@code owner}: a connection as the schema owner (the service role cannot read operators). */
    public OperatorAccounts(DataSource owner) {
        this.jdbc = JdbcClient.create(owner);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(owner));
    }

    public record Operator(long id, String email, boolean isActive, OffsetDateTime createdAt, long sessions) {}

    /**
     * Adds an operator with this password hash.
     *
     * @throws IllegalArgumentException for a malformed email, an operator's or a user's email
     */
    public long add(String email, String passwordHash) {
        String address = email(email);
        return transactions.execute(status -> {
            if (exists(address)) {
                throw new IllegalArgumentException("an operator with the email " + address + " exists already");
            }
            return jdbc.sql(OperatorQueries.add())
                    .param("email", address)
                    .param("passwordHash", passwordHash)
                    .query(Long.class)
                    .optional()
                    .orElseThrow(() -> new IllegalArgumentException("the email " + address
                            + " belongs to a user of a tenant; an operator needs an email of its own"));
        });
    }

    /** Adds the operator unless an operator has the email already; true when it added it. */
    public boolean addIfAbsent(String email, String passwordHash) {
        if (exists(email(email))) {
            return false;
        }
        add(email, passwordHash);
        return true;
    }

    public List<Operator> list() {
        return jdbc.sql(OperatorQueries.list()).query(Operator.class).list();
    }

    /** True when there was such an operator; its sessions end with it. */
    public boolean remove(String email) {
        return jdbc.sql(OperatorQueries.remove()).param("email", email.trim()).update() > 0;
    }

    /** The stored form of a password, after checking it can be checked. */
    public static String hash(String password) {
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException(
                    "the password is over " + MAX_PASSWORD_BYTES + " bytes (UTF-8), the most bcrypt reads");
        }
        return new BCryptPasswordEncoder().encode(password);
    }

    /** 18 random bytes, base64url: 24 characters, 144 bits. */
    public static String generatePassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private boolean exists(String email) {
        return Boolean.TRUE.equals(jdbc.sql(OperatorQueries.exists())
                .param("email", email)
                .query(Boolean.class)
                .single());
    }

    /** Trimmed; one '@' with text on both sides, no spaces, at most 320 characters (as sign-in takes). */
    static String email(String email) {
        String address = email == null ? "" : email.trim();
        int at = address.indexOf('@');
        if (address.length() > 320
                || at <= 0
                || at != address.lastIndexOf('@')
                || at == address.length() - 1
                || address.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("not an email address: '" + address + "'");
        }
        return address;
    }
}
