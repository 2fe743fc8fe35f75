package io.till.account;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.idempotency.RequestEffects;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/api_keys")
@Tag(name = "API keys")
class ApiKeyController {

    private final ApiKeys apiKeys;
    private final RequestEffects effects;
    private final Accounts accounts;

    ApiKeyController(ApiKeys apiKeys, Accounts accounts, RequestEffects effects) {
        this.effects = effects;
        this.apiKeys = apiKeys;
        this.accounts = accounts;
    }

    record CreateApiKey(@io.swagger.v3.oas.annotations.media.Schema(maxLength = 100) String name) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Create an API key", description = "The answer holds the key itself; it is never shown again.")
    ResponseEntity<ApiKey.Created> create(Caller caller, @RequestBody(required = false) CreateApiKey body) {
        var errors = new FieldErrors();
        errors.checkLength("name", body == null ? null : body.name(), 100);
        errors.throwIfAny();
        String name = body == null || body.name() == null || body.name().isBlank() ? "API key" : body.name().strip();
        // A keyed request whose earlier attempt made a key and never answered (a crash): that key was never shown to
        // anyone, and is revoked, rather than left live beside the one this answer shows.
        effects.recordedBefore("api_key").ifPresent(earlier -> apiKeys.revoke(caller.accountId(), earlier));
        var created = apiKeys.create(accounts.get(caller.accountId()), name, caller,
            id -> effects.recorded("api_key", id));
        return ResponseEntity.created(URI.create("/api/v1/api_keys/" + created.id())).body(created);
    }

    @GetMapping
    @Operation(summary = "List API keys, newest first", description = "Shows each key's prefix, never the key.")
    Page<ApiKey> list(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor, @RequestParam(required = false) String status) {
        var errors = new FieldErrors();
        var page = PageRequest.of(limit, cursor, "key", errors);
        var wanted = errors.parseEnum("status", status, ApiKey.Status.class);
        errors.throwIfAny();
        return apiKeys.list(caller.accountId(), wanted, page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Read an API key")
    ApiKey get(Caller caller, @PathVariable String id) {
        return apiKeys.get(caller.accountId(), id);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke an API key", description = "Requests with the key fail from now on on the node that revoked it, "
        + "and within TILL_API_KEY_CACHE_TIME (5 s by default, at most a minute) on every other. The keys it "
        + "made (created_by api_key, created_by_who its id), and the keys those made, are revoked with it.")
    ApiKey revoke(Caller caller, @PathVariable String id) {
        return apiKeys.revoke(caller.accountId(), id).key();
    }
}
