package io.till.integration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.egress.EgressGuard;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@RestController
@RequestMapping("/api/v1/integrations")
@Tag(name = "Integrations")
class IntegrationController {

    private final Integrations integrations;
    private final ConnectionTests connections;
    private final EgressGuard guard;

    IntegrationController(Integrations integrations, ConnectionTests connections, EgressGuard guard) {
        this.integrations = integrations;
        this.connections = connections;
        this.guard = guard;
    }

    record IntegrationInput(String type, JsonNode config) {}

    @PostMapping
    @Operation(summary = "Connect a service", description = "One per type: posting a type again replaces its config "
        + "(200); the first time answers 201. Secrets are stored encrypted and answered masked.")
    ResponseEntity<Integration> save(Caller caller, @RequestBody IntegrationInput body) {
        var errors = new FieldErrors();
        var type = body.type() == null ? null : IntegrationType.parse(body.type()).orElse(null);
        if (type == null) {
            errors.add("type", body.type() == null ? "required" : "invalid_value", "must be one of "
                + List.of(IntegrationType.values()).stream().map(IntegrationType::code).toList());
        } else {
            type.check(body.config(), errors);
            checkDestinations(body.config(), errors);
        }
        if (type == null && (body.config() == null || !body.config().isObject())) {
            errors.add("config", "invalid_type", "must be an object");
        }
        errors.throwIfAny();
        var saved = integrations.save(caller.accountId(), type, (ObjectNode) body.config());
        return saved.created()
            ? ResponseEntity.created(URI.create("/api/v1/integrations/" + type.code())).body(saved.integration())
            : ResponseEntity.ok(saved.integration());
    }

    /**
     * Refuses a host that is a reserved address already as written (an IP literal, {@code localhost}), naming the
     * field; a host name is checked each time Till connects, since what it resolves to can change.
     */
    private void checkDestinations(JsonNode config, FieldErrors errors) {
        if (config == null || !config.isObject()) {
            return;
        }
        if (IntegrationType.hasText(config, "host")) {
            refuseReserved(config.get("host").asString(), "config.host", errors);
        }
        if (IntegrationType.hasText(config, "base_url")) {
            try {
                String host = new URI(config.get("base_url").asString().strip()).getHost();
                if (host != null) {
                    refuseReserved(host, "config.base_url", errors);
                }
            } catch (URISyntaxException e) {
                // Not a URL: the type's own check says so.
            }
        }
    }

    private void refuseReserved(String host, String field, FieldErrors errors) {
        guard.savedHostRefusal(host).ifPresent(refusal -> errors.add(field, "destination_refused", refusal));
    }

    @GetMapping
    @Operation(summary = "List the connected services, secrets masked")
    List<Integration> list(Caller caller) {
        return integrations.list(caller.accountId());
    }

    @GetMapping("/{type}")
    Integration get(Caller caller, @PathVariable String type) {
        return integrations.get(caller.accountId(), type(type));
    }

    @DeleteMapping("/{type}")
    @Operation(summary = "Disconnect a service, forgetting its credentials")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String type) {
        if (!integrations.delete(caller.accountId(), type(type))) {
            throw TillException.notFound("integration", type);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{type}/test")
    @Operation(summary = "Test the connection", description = "SMTP: connect, EHLO, STARTTLS if set, sign in. "
        + "Twilio: read the account. Answers ok and a message; sends nothing.")
    ConnectionTests.Outcome test(Caller caller, @PathVariable String type) {
        return connections.test(caller.accountId(), type(type));
    }

    private static IntegrationType type(String code) {
        return IntegrationType.parse(code).orElseThrow(() -> TillException.notFound("integration", code));
    }
}
