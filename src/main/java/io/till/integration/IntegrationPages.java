package io.till.integration;

import io.till.shared.Caller;
import io.till.shared.TillException;
import io.till.shared.web.FormErrors;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings › Integrations: connect, edit, test and disconnect the account's services through the services of
 * {@code /api/v1/integrations}. A secret is never sent to the page, not even masked: its input stays empty, and left
 * empty it keeps the stored one ({@link IntegrationChanges#saveForm}).
 */
@Controller
class IntegrationPages {

    static final String PATH = "/admin/settings/integrations";

    private final Integrations integrations;
    private final IntegrationChanges changes;
    private final ConnectionTests connections;

    IntegrationPages(Integrations integrations, IntegrationChanges changes, ConnectionTests connections) {
        this.integrations = integrations;
        this.changes = changes;
        this.connections = connections;
    }

    /** A row of the list: the type, and when connected, what it connects to (never a secret). */
    record Row(IntegrationType type, Integration integration, String summary) {}

    /** The outcome of "Test connection", shown on the list beside its integration. */
    record Tested(String type, boolean ok, String message) {}

    @GetMapping(PATH)
    String list(Caller.Staff staff, Model model) {
        var connected = integrations.list(staff.accountId())
            .stream()
            .collect(Collectors.toMap(Integration::type, i -> i));
        model.addAttribute("rows", List.of(IntegrationType.values())
            .stream()
            .map(type -> Optional.ofNullable(connected.get(type.code()))
                .map(i -> new Row(type, i, summary(type, i)))
                .orElse(new Row(type, null, null)))
            .toList());
        return "integration/integrations";
    }

    @GetMapping(PATH + "/{type}")
    String edit(Caller.Staff staff, @PathVariable String type, Model model) {
        var integrationType = type(type);
        var stored = stored(staff, integrationType);
        var values = new HashMap<String, String>(stored.isEmpty() ? integrationType.newFormValues() : Map.of());
        stored.ifPresent(i -> integrationType.fields().forEach(field -> {
            var value = i.config().get(field.name());
            if (value != null && value.isValueNode() && !value.isNull()
                && field.kind() != IntegrationType.Kind.SECRET) {
                values.put(field.name(), value.asString());
            }
        }));
        return form(integrationType, stored, values, Map.of(), model);
    }

    @PostMapping(PATH + "/{type}")
    String save(Caller.Staff staff, @PathVariable String type, @RequestParam Map<String, String> form, Model model,
        RedirectAttributes redirect, HttpServletResponse response) {
        var integrationType = type(type);
        boolean existed = stored(staff, integrationType).isPresent();
        try {
            changes.saveForm(staff.accountId(), integrationType, form);
        } catch (TillException e) {
            response.setStatus(e.code().status().value());
            var typed = new HashMap<>(form);
            // What was typed into a secret's input is not sent back to the page either.
            integrationType.fields()
                .stream()
                .filter(field -> field.kind() == IntegrationType.Kind.SECRET)
                .forEach(field -> typed.remove(field.name()));
            return form(integrationType, stored(staff, integrationType), typed, errors(e), model);
        }
        redirect.addFlashAttribute("flash", integrationType.label() + (existed ? " saved." : " connected."));
        return "redirect:" + PATH;
    }

    @PostMapping(PATH + "/{type}/test")
    String test(Caller.Staff staff, @PathVariable String type, RedirectAttributes redirect) {
        var integrationType = type(type);
        var outcome = connections.test(staff.accountId(), integrationType);
        redirect.addFlashAttribute("tested", new Tested(integrationType.code(), outcome.ok(), outcome.message()));
        return "redirect:" + PATH;
    }

    @PostMapping(PATH + "/{type}/delete")
    String delete(Caller.Staff staff, @PathVariable String type, RedirectAttributes redirect) {
        var integrationType = type(type);
        if (!integrations.delete(staff.accountId(), integrationType)) {
            throw TillException.notFound("integration", type);
        }
        redirect.addFlashAttribute("flash", integrationType.label() + " disconnected; its credentials are "
            + "forgotten.");
        return "redirect:" + PATH;
    }

    private String form(IntegrationType type, Optional<Integration> stored, Map<String, String> values,
        Map<String, String> errors, Model model) {
        model.addAttribute("type", type);
        model.addAttribute("connected", stored.isPresent());
        model.addAttribute("values", values);
        model.addAttribute("errors", errors);
        // Which secrets are stored: their inputs say so, and that blank keeps them.
        model.addAttribute("secretsSet", stored.map(i -> type.fields()
            .stream()
            .filter(field -> field.kind() == IntegrationType.Kind.SECRET && i.config().hasNonNull(field.name()))
            .map(IntegrationType.Field::name)
            .collect(Collectors.toSet())).orElse(Set.of()));
        return "integration/integration";
    }

    private Optional<Integration> stored(Caller.Staff staff, IntegrationType type) {
        try {
            return Optional.of(integrations.get(staff.accountId(), type));
        } catch (TillException notConnected) {
            return Optional.empty();
        }
    }

    /** The field errors by the form's field names ({@code config.host} is the input {@code host}). */
    private static Map<String, String> errors(TillException e) {
        var errors = new LinkedHashMap<String, String>();
        FormErrors.of(e).forEach((field, message) -> errors.merge(field.startsWith("config.")
            ? field.substring("config.".length())
            : "", message, (a, b) -> a + "; " + b));
        return errors;
    }

    /** The non-secret fields that say where it connects, such as {@code smtp.example.com · 587}. */
    private static String summary(IntegrationType type, Integration integration) {
        return type.fields()
            .stream()
            .filter(field -> field.kind() == IntegrationType.Kind.TEXT || field.kind() == IntegrationType.Kind.URL
                || field.kind() == IntegrationType.Kind.EMAIL || field.kind() == IntegrationType.Kind.NUMBER)
            .map(field -> integration.config().get(field.name()))
            // One stored before it had to be a single value (a list) is left out rather than failing the page.
            .filter(value -> value != null && value.isValueNode() && !value.isNull() && !value.asString().isBlank())
            .map(value -> value.asString())
            .collect(Collectors.joining(" · "));
    }

    private static IntegrationType type(String code) {
        return IntegrationType.parse(code).orElseThrow(() -> TillException.notFound("integration", code));
    }
}
