package io.till.crm;

import io.till.egress.ConnectionFailure;
import io.till.integration.ConnectionTester;
import io.till.integration.IntegrationType;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** "Test connection" for the CRM integrations: each signs in and reads something harmless. */
@Component
class CrmConnectionTests implements ConnectionTester {

    private final CrmClients clients;

    CrmConnectionTests(CrmClients clients) {
        this.clients = clients;
    }

    @Override
    public Set<IntegrationType> types() {
        return Arrays.stream(CrmType.values()).map(CrmType::integration).collect(Collectors.toSet());
    }

    @Override
    public Result test(String accountId, IntegrationType type) {
        CrmType crm = Arrays.stream(CrmType.values()).filter(c -> c.integration() == type).findFirst().orElseThrow();
        try {
            return clients.open(accountId, crm)
                .map(client -> new Result(true, client.check()))
                .orElse(new Result(false, "no " + type.code() + " integration"));
        } catch (CrmFailure failure) {
            return new Result(false, sentence(failure).sentence());
        }
    }

    /** A fixed sentence per kind of failure: never the CRM's own words, which a test aimed elsewhere would read. */
    private static ConnectionFailure sentence(CrmFailure failure) {
        return switch (failure.failed().code()) {
            case "destination_refused" -> ConnectionFailure.BLOCKED;
            case "crm_unauthorized" -> ConnectionFailure.AUTH_FAILED;
            case "crm_unreachable" -> failure.kind() == null ? ConnectionFailure.UNREACHABLE : failure.kind();
            default -> ConnectionFailure.PROTOCOL;
        };
    }
}
