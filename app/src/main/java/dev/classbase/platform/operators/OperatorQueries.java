package dev.classbase.platform.operators;

/** The owner's statements on the operators table (V74); the service role has no access to it. */
final class OperatorQueries {
    private OperatorQueries() {}

    /**
     * Adds an operator unless the email is a user's: emails are unique platform-wide, and sign-in
     * looks users up first. No row when it is a user's; the unique index refuses a second operator.
     */
    static String add() {
        return """
            insert into operators (email, password_hash)
            select :email, :passwordHash
            where not exists (select 1 from users where lower(email) = lower(:email))
            returning id
            """;
    }

    static String exists() {
        return "select exists (select 1 from operators where lower(email) = lower(:email))";
    }

    static String list() {
        return """
            select o.id, o.email, o.is_active, o.created_at,
                   (select count(*) from operator_sessions as s
                    where s.operator_id = o.id and s.expires_at > now()) as sessions
            from operators as o
            order by o.email
            """;
    }

    /** Its sessions go with it (on delete cascade). */
    static String remove() {
        return """
            delete from operators
            where lower(email) = lower(:email)
            """;
    }
}
