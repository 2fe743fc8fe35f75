package io.till.testing;

import io.till.account.Account;
import io.till.account.Accounts;
import io.till.account.ApiKeys;
import io.till.account.Mode;
import org.springframework.boot.test.context.TestComponent;

/** Makes a fresh account with an API key, so that each test works on data no other test sees. */
@TestComponent
public class TestAccounts {

    private final Accounts accounts;
    private final ApiKeys apiKeys;

    TestAccounts(Accounts accounts, ApiKeys apiKeys) {
        this.accounts = accounts;
        this.apiKeys = apiKeys;
    }

    /** An account and one of its API keys, in clear. */
    public record TestAccount(Account account, String apiKey, String apiKeyId) {
        public String id() {
            return account.id();
        }
    }

    public TestAccount create() {
        var account = accounts.create("Test store", Mode.SANDBOX);
        var key = apiKeys.create(account, "Test key", null);
        return new TestAccount(account, key.key(), key.id());
    }
}
