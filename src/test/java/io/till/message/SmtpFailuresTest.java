package io.till.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.till.egress.EgressGuard;
import io.till.egress.EgressSettings;
import jakarta.mail.MessagingException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailSendException;

class SmtpFailuresTest {

    /** A refusal of the SMTP host, in whichever of the failed messages it is, is never retried as if transient. */
    @Test
    void aRefusedDestinationAmongTheFailedMessagesIsPermanent() {
        var refusal = catchThrowable(
            () -> new EgressGuard(new EgressSettings("", Duration.ofSeconds(1), Duration.ofSeconds(30))).resolve(
                "127.0.0.1"));
        var failed = new LinkedHashMap<Object, Exception>();
        failed.put("first", new MessagingException("Couldn't connect to host", new SocketTimeoutException(
            "connect timed out")));
        failed.put("second", new MessagingException("Couldn't connect to host", (Exception) refusal));

        var classified = SmtpFailures.classify(new MailSendException(failed));

        assertThat(classified.code()).isEqualTo("destination_refused");
        assertThat(classified.retryable()).isFalse();
    }
}
