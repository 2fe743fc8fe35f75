package io.till.idempotency;

import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.web.ApiPaths;
import io.till.shared.web.CachedBodyRequest;
import io.till.shared.web.Problems;
import io.till.shared.web.SecretFields;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code Idempotency-Key} mechanism for every API POST. Same key and same request: the first response is replayed
 * (with {@code Idempotent-Replayed: true}). Same key, different request: 422. Same key while the first is still running:
 * 409. Runs after authentication, because keys belong to an account. A dashboard form carries its key in a hidden field
 * instead ({@link FormSubmissions}).
 */
@Component
@Order(0)
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final IdempotencyRecords records;
    private final Problems problems;

    /** The body a keyed request may carry: what any request may (till.web.max-request-body), read to fingerprint it. */
    private final int maxBodyBytes;

    IdempotencyFilter(IdempotencyRecords records, Problems problems,
        @Value("${till.web.max-request-body:1MB}") DataSize maxBody) {
        this.records = records;
        this.problems = problems;
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 8, maxBody.toBytes());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isApiCall(request);
    }

    private static boolean isApiCall(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && request.getHeader(HEADER) != null
            && ApiPaths.isApi(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        Caller caller = authentication == null ? null : switch (authentication.getPrincipal()) {
            case Caller direct -> direct;
            case Caller.Source source -> source.caller();
            default -> null;
        };
        if (caller == null) {
            chain.doFilter(request, response);
            return;
        }
        String key = request.getHeader(HEADER);
        if (!VALID_KEY.matcher(key).matches()) {
            problems.write(response, ErrorCode.IDEMPOTENCY_KEY_INVALID,
                "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces, such as a UUID.");
            return;
        }
        if (key.startsWith(FormSubmissions.NAMESPACE)) {
            problems.write(response, ErrorCode.IDEMPOTENCY_KEY_INVALID,
                "Idempotency-Key must not begin with \"" + FormSubmissions.NAMESPACE + "\": the dashboard's forms "
                    + "keep their keys there.");
            return;
        }
        var buffered = CachedBodyRequest.read(request, maxBodyBytes);
        if (buffered == null) {
            problems.write(response, ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than "
                + DataSize.ofBytes(maxBodyBytes).toKilobytes() + " KB, the most Till accepts (TILL_MAX_REQUEST_BODY).");
            return;
        }
        // The path as routed: one request however its path is escaped.
        String target = request.getQueryString() == null
            ? ApiPaths.routed(request)
            : ApiPaths.routed(request) + "?" + request.getQueryString();
        byte[] fingerprint = RequestFingerprint.of(request.getMethod(), target, buffered.body());
        var claim = records.claim(caller.accountId(), key, fingerprint);
        switch (claim) {
            case IdempotencyRecords.Claim.Acquired acquired -> run(buffered, response, chain,
                new RequestEffects.Lease(caller.accountId(), key, acquired.leaseToken(), acquired.effect()));
            case IdempotencyRecords.Claim.Replay replay -> replay(response, replay.response());
            case IdempotencyRecords.Claim.Mismatch ignored -> problems.write(response,
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was already used for a different request (another path or body). Use a new key"
                    + " for a new request.");
            case IdempotencyRecords.Claim.InFlight ignored -> {
                response.setHeader(HttpHeaders.RETRY_AFTER, "1");
                problems.write(response, ErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS,
                    "A request with this Idempotency-Key is still being processed. Retry it in a moment to get its"
                        + " response.");
            }
        }
    }

    private void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
        RequestEffects.Lease lease) throws IOException, ServletException {
        String accountId = lease.accountId();
        String key = lease.key();
        String leaseToken = lease.token();
        var captured = new ContentCachingResponseWrapper(response);
        RequestEffects.enter(lease);
        try {
            chain.doFilter(request, captured);
        } catch (IOException | ServletException | RuntimeException e) {
            records.release(accountId, key, leaseToken);
            throw e;
        } finally {
            RequestEffects.leave();
        }
        int status = captured.getStatus();
        try {
            if (isOutcome(status)) {
                records.complete(accountId, key, leaseToken, new IdempotencyRecords.StoredResponse(status,
                    captured.getContentType(), captured.getHeader(HttpHeaders.LOCATION),
                    withoutSecrets(captured.getContentAsByteArray(), SecretFields.of(request))));
            } else {
                records.release(accountId, key, leaseToken);
            }
        } catch (RuntimeException e) {
            // The request did its work; failing to remember it must not hide the answer. The lease runs out and a
            // retry runs again: one that reached an effect resumes or answers it (RequestEffects) instead of a new one.
            log.error("Could not store the response for Idempotency-Key {}", key, e);
        }
        captured.copyBodyToResponse();
    }

    /** The body to keep: fields holding a once-shown secret are kept as null, never in clear. */
    private static byte[] withoutSecrets(byte[] body, List<String> secretFields) {
        if (secretFields.isEmpty()) {
            return body;
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json instanceof ObjectNode object) {
                secretFields.forEach(field -> object.putNull(field));
                return JSON.writeValueAsBytes(object);
            }
        } catch (JacksonException e) {
            // Not JSON: keep nothing of it rather than a secret.
        }
        return new byte[0];
    }

    /**
     * Whether a response reports what the request did, and so must be replayed rather than redone: a success, or a
     * refusal that came from doing the work (402 declined, 422 rule broken). Validation errors, conflicts and server
     * failures changed nothing; the key is released so that a corrected or later request can use it, unless the request
     * reached an effect that must not be made twice (see {@link RequestEffects}).
     */
    private static boolean isOutcome(int status) {
        return (status >= 200 && status < 300) || status == 402 || status == 422;
    }

    private static void replay(HttpServletResponse response, IdempotencyRecords.StoredResponse stored)
        throws IOException {
        response.setStatus(stored.status());
        if (stored.contentType() != null) {
            response.setContentType(stored.contentType());
        }
        if (stored.location() != null) {
            response.setHeader(HttpHeaders.LOCATION, stored.location());
        }
        response.setHeader("Idempotent-Replayed", "true");
        response.getOutputStream().write(stored.body());
    }
}
