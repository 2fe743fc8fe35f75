package io.till.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** How an Idempotency-Key remembers the money movement its request reached, and who may resume it. */
@TillIntegrationTest
class RequestEffectsTest {

    private static final byte[] REQUEST = RequestFingerprint.of("POST", "/api/v1/orders", "{}".getBytes());
    private static final byte[] OTHER_REQUEST = RequestFingerprint.of("POST", "/api/v1/orders", "{\"a\":1}"
        .getBytes());

    @Autowired
    IdempotencyRecords records;
    @Autowired
    RequestEffects movements;
    @Autowired
    TestAccounts accounts;
    @Autowired
    MutableClock clock;

    @AfterEach
    void leave() {
        RequestEffects.leave();
    }

    @Test
    void anAttemptWhoseKeyWasTakenOverNeverReachesMoney() {
        String account = accounts.create().id();
        String key = UUID.randomUUID().toString();
        var presumedDead = (IdempotencyRecords.Claim.Acquired) records.claim(account, key, REQUEST);
        clock.passRealTime(IdempotencyRecords.LEASE.plusSeconds(1));
        var retry = (IdempotencyRecords.Claim.Acquired) records.claim(account, key, REQUEST);

        RequestEffects.enter(new RequestEffects.Lease(account, key, presumedDead.leaseToken(), null));

        assertThatThrownBy(() -> movements.reaching("order:ord_1")).isInstanceOfSatisfying(TillException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS));
        assertThat(retry.effect()).isNull();
    }

    @Test
    void aFailedRequestThatReachedMoneyIsResumedOnlyByTheSameRequest() {
        String account = accounts.create().id();
        String key = UUID.randomUUID().toString();
        var first = (IdempotencyRecords.Claim.Acquired) records.claim(account, key, REQUEST);
        RequestEffects.enter(new RequestEffects.Lease(account, key, first.leaseToken(), null));
        movements.reaching("order:ord_1");
        RequestEffects.leave();

        records.release(account, key, first.leaseToken());

        assertThat(records.claim(account, key, OTHER_REQUEST)).isInstanceOf(IdempotencyRecords.Claim.Mismatch.class);
        var again = records.claim(account, key, REQUEST);
        assertThat(again).isInstanceOfSatisfying(IdempotencyRecords.Claim.Acquired.class,
            acquired -> assertThat(acquired.effect()).isEqualTo("order:ord_1"));
        assertThat(records.claim(account, key, REQUEST)).isInstanceOf(IdempotencyRecords.Claim.InFlight.class);
    }

    @Test
    void aFailedRequestThatMovedNoMoneyFreesItsKey() {
        String account = accounts.create().id();
        String key = UUID.randomUUID().toString();
        var first = (IdempotencyRecords.Claim.Acquired) records.claim(account, key, REQUEST);

        records.release(account, key, first.leaseToken());

        assertThat(records.claim(account, key, OTHER_REQUEST)).isInstanceOfSatisfying(
            IdempotencyRecords.Claim.Acquired.class, acquired -> assertThat(acquired.effect()).isNull());
    }

    @Test
    void outsideAKeyedRequestNothingIsTiedOrResumed() {
        movements.reaching("order:ord_1");

        assertThat(movements.reachedBefore()).isEmpty();
    }
}
