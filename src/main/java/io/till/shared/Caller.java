package io.till.shared;

/**
 * Who is calling and on behalf of which account. Every tenant-scoped query takes {@link #accountId()} from here,
 * never from the request body or path.
 */
public sealed interface Caller permits Caller.ApiKey, Caller.Staff {

    String accountId();

    /** Who this is, as a record of who did something names them: a staff member's email, or "the API" for a key. */
    default String who() {
        return this instanceof Staff staff ? staff.email() : "the API";
    }

    /** A program holding one of the account's API keys. */
    record ApiKey(String accountId, String apiKeyId) implements Caller {}

    /** A security principal that stands for a caller (the dashboard's signed-in user, say). */
    interface Source {
        Caller caller();
    }

    /** A signed-in member of the seller's staff. */
    record Staff(String accountId, String staffUserId, String email) implements Caller {}
}
