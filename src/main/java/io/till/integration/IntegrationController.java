package io.till.integration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.Page;
import io.till.shared.TillException;
import java.net.URI;
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

@RestController
@RequestMapping("/api/v1/integrations")
@Tag(name = "Integrations")
class IntegrationController {

    private final Integrations integrations;
    private final ConnectionTests connections;
    private final IntegrationChanges changes;

    IntegrationController(Integrations integrations, ConnectionTests connections, IntegrationChanges changes) {
        this.integrations = integrations;
        this.connections = connections;
        this.changes = changes;
    }

    record IntegrationInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String type, JsonNode config) {}

    @ApiResponse(responseCode = "200", description = "Updated", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping
    @Operation(summary = "Connect a service", description = "One per type: posting a type again replaces its config "
        + "(200); the first time answers 201. Secrets are stored encrypted and answered masked.")
    ResponseEntity<Integration> save(Caller caller, @RequestBody IntegrationInput body) {
        var saved = changes.save(caller.accountId(), body.type(), body.config());
        var type = saved.integration().type();
        return saved.created()
            ? ResponseEntity.created(URI.create("/api/v1/integrations/" + type)).body(saved.integration())
            : ResponseEntity.ok(saved.integration());
    }

    @GetMapping
    @Operation(summary = "List the connected services, secrets masked", description = "All of them, in one page, as "
        + "every list answers.")
    Page<Integration> list(Caller caller) {
        return new Page<>(integrations.list(caller.accountId()), false, null);
    }

    @GetMapping("/{type}")
    @Operation(summary = "Read a connected service, secrets masked")
    Integration get(Caller caller, @PathVariable String type) {
        return integrations.get(caller.accountId(), type(type));
    }

    @DeleteMapping("/{type}")
    @Operation(summary = "Disconnect a service, forgetting its credentials")
    @ApiResponse(responseCode = "204", description = "Deleted; no body")
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
