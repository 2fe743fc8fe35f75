package io.till.integration;

import java.util.Set;

/**
 * The "test connection" of integrations whose clients live in another feature (the CRMs): it signs in and reads
 * something harmless, sending nothing.
 */
public interface ConnectionTester {

    /** The integration types this tester knows. */
    Set<IntegrationType> types();

    /** Tests the account's integration of {@code type}, which exists. */
    Result test(String accountId, IntegrationType type);

    record Result(boolean ok, String message) {}
}
