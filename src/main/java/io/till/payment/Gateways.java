package io.till.payment;

import io.till.account.Accounts;
import io.till.account.Mode;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import org.springframework.stereotype.Component;

/** Picks the gateway of an account: the sandbox for sandbox accounts, Stripe for live ones. */
@Component
public class Gateways {

    private final Accounts accounts;
    private final SandboxGateway sandbox;

    Gateways(Accounts accounts, SandboxGateway sandbox) {
        this.accounts = accounts;
        this.sandbox = sandbox;
    }

    public PaymentGateway forAccount(String accountId) {
        if (accounts.get(accountId).mode() == Mode.SANDBOX) {
            return sandbox;
        }
        throw new TillException(ErrorCode.GATEWAY_NOT_CONFIGURED,
            "Live accounts take payments through Stripe, and this Till has no Stripe adapter configured yet.");
    }
}
