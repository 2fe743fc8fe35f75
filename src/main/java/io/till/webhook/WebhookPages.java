package io.till.webhook;

import io.till.event.EventType;
import io.till.idempotency.FormSubmissions;
import io.till.shared.Caller;
import io.till.shared.FieldError;
import io.till.shared.FieldErrors;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Webhook endpoints in the dashboard: add, edit, rotate the secret, send a test event, disable or delete; and per
 * endpoint its deliveries with every attempt, each replayable. The same checks and services as the API; every read is
 * bound to the staff member's account. A peer's response body is never shown, only its status and Till's own words.
 */
@Controller
class WebhookPages {

    private static final String LIST = "/admin/webhooks";
    private static final int DELIVERIES_SHOWN = 20;

    private final WebhookEndpoints endpoints;
    private final WebhookDeliveries deliveries;
    private final DeliveryHistory history;
    private final EndpointChecks checks;
    private final Clock clock;
    private final FormSubmissions submissions;

    WebhookPages(WebhookEndpoints endpoints, WebhookDeliveries deliveries, DeliveryHistory history,
        EndpointChecks checks, Clock clock, FormSubmissions submissions) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.history = history;
        this.checks = checks;
        this.clock = clock;
        this.submissions = submissions;
    }

    /**
     * What the endpoint form shows: the values typed, and the message of each field that was refused.
     *
     * @param otherTypes custom event types ({@code acme.signup}), comma separated
     */
    record Form(String url, List<String> eventTypes, String otherTypes, String description,
        Map<String, String> errors) {

        static Form empty() {
            return new Form("", List.of(), "", "", Map.of());
        }

        static Form of(WebhookEndpoint endpoint) {
            var known = endpoint.eventTypes().stream().filter(t -> t.equals("*") || EventType.of(t).isPresent())
                .toList();
            var other = endpoint.eventTypes().stream().filter(t -> !known.contains(t)).toList();
            return new Form(endpoint.url(), known, String.join(", ", other),
                endpoint.description() == null ? "" : endpoint.description(), Map.of());
        }

        public boolean chose(String type) {
            return eventTypes.contains(type);
        }

        public String error(String field) {
            return errors.get(field);
        }

        /** The types as the API takes them: the boxes ticked, then the custom ones typed. */
        List<String> types() {
            var all = new LinkedHashSet<>(eventTypes);
            Arrays.stream(otherTypes.split("[,\\s]+")).filter(t -> !t.isBlank()).forEach(all::add);
            return List.copyOf(all);
        }

        Form refused(List<FieldError> refusals) {
            var messages = new HashMap<String, String>();
            for (FieldError refusal : refusals) {
                // event_types[3] and event_types both belong next to the event types.
                String field = refusal.field().replaceAll("\\[\\d+]$", "");
                messages.merge(field, sentence(field, refusal.message()), (a, b) -> a.equals(b) ? a : a + " " + b);
            }
            return new Form(url, eventTypes, otherTypes, description, messages);
        }

        /** The API's field message ("names a loopback … address") as a sentence next to the field. */
        private static String sentence(String field, String message) {
            String said = field.equals("url")
                ? "This URL " + message
                : Character.toUpperCase(message.charAt(0)) + message.substring(1);
            return said.endsWith(".") ? said : said + ".";
        }
    }

    @GetMapping(LIST)
    String list(Caller.Staff staff, Model model) {
        return listPage(staff, Form.empty(), model);
    }

    @PostMapping(LIST)
    String create(Caller.Staff staff, @RequestParam(defaultValue = "") String url,
        @RequestParam(name = "eventTypes", required = false) List<String> eventTypes,
        @RequestParam(defaultValue = "") String otherTypes, @RequestParam(defaultValue = "") String description,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, Model model,
        HttpServletResponse response, RedirectAttributes redirect) {
        var form = new Form(url.strip(), eventTypes == null ? List.of() : eventTypes, otherTypes, description.strip(),
            Map.of());
        var refusals = refusals(form);
        if (!refusals.isEmpty()) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return listPage(staff, form.refused(refusals), model);
        }
        // A second submit of the same form (a double click) adds no second endpoint sent every event again.
        var revealed = new AtomicReference<WebhookEndpoints.Revealed>();
        String id = submissions.once(staff.accountId(), formKey, LIST + "?" + form.url() + " " + form.types() + " "
            + form.description(), () -> {
                revealed.set(endpoints.create(staff.accountId(), form.url(), form.types(), blankToNull(
                    form.description())));
                return revealed.get().endpoint().id();
            });
        if (revealed.get() == null) {
            redirect.addFlashAttribute("flash", "Endpoint added by the form's first submit, which showed its secret "
                + "once: if it was not copied, rotate the secret.");
        } else {
            redirect.addFlashAttribute("secret", revealed.get().secret());
            redirect.addFlashAttribute("flash", "Endpoint added. It receives the events you chose from now on.");
        }
        return "redirect:" + LIST + "/" + id;
    }

    @GetMapping(LIST + "/{id}")
    String endpoint(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) String cursor,
        Model model) {
        var endpoint = endpoints.get(staff.accountId(), id);
        return endpointPage(staff, endpoint, Form.of(endpoint), cursor, model);
    }

    @PostMapping(LIST + "/{id}")
    String edit(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String url,
        @RequestParam(name = "eventTypes", required = false) List<String> eventTypes,
        @RequestParam(defaultValue = "") String otherTypes, @RequestParam(defaultValue = "") String description,
        Model model, HttpServletResponse response, RedirectAttributes redirect) {
        var endpoint = endpoints.get(staff.accountId(), id);
        var form = new Form(url.strip(), eventTypes == null ? List.of() : eventTypes, otherTypes, description.strip(),
            Map.of());
        var refusals = refusals(form);
        if (!refusals.isEmpty()) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            return endpointPage(staff, endpoint, form.refused(refusals), null, model);
        }
        endpoints.update(staff.accountId(), id, new WebhookEndpoints.Change(form.url(), form.types(),
            form.description(), null));
        redirect.addFlashAttribute("flash", "Endpoint saved.");
        return "redirect:" + LIST + "/" + id;
    }

    /**
     * Rotates the secret once per form: a second rotation within the overlap ends the oldest secret at once, so a
     * double click would have cut off receivers still holding it.
     */
    @PostMapping(LIST + "/{id}/rotate")
    String rotate(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, RedirectAttributes redirect) {
        var revealed = new AtomicReference<String>();
        submissions.once(staff.accountId(), formKey, LIST + "/" + id + "/rotate", () -> {
            revealed.set(endpoints.rotate(staff.accountId(), id).secret());
            return id;
        });
        if (revealed.get() == null) {
            redirect.addFlashAttribute("flash", "Secret rotated by the form's first submit, which showed the new one "
                + "once. The old one keeps signing beside it for 24 hours.");
        } else {
            redirect.addFlashAttribute("secret", revealed.get());
            redirect.addFlashAttribute("flash", "Secret rotated. The old one keeps signing beside it for 24 hours.");
        }
        return "redirect:" + LIST + "/" + id;
    }

    @PostMapping(LIST + "/{id}/test")
    String test(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        var endpoint = endpoints.get(staff.accountId(), id);
        if (!endpoint.enabled()) {
            redirect.addFlashAttribute("flashError", "This endpoint is disabled: enable it, then send a test event.");
            return "redirect:" + LIST + "/" + id;
        }
        deliveries.sendTest(endpoint, staff.accountId(), Timestamps.now(clock));
        redirect.addFlashAttribute("flash", "Test event queued. Its delivery shows below in a moment.");
        return "redirect:" + LIST + "/" + id;
    }

    @PostMapping(LIST + "/{id}/status")
    String status(Caller.Staff staff, @PathVariable String id, @RequestParam String status,
        RedirectAttributes redirect) {
        boolean enable = "enabled".equals(status);
        endpoints.update(staff.accountId(), id, new WebhookEndpoints.Change(null, null, null,
            enable ? "enabled" : "disabled"));
        redirect.addFlashAttribute("flash", enable
            ? "Endpoint enabled: it receives new events again, and the deliveries that waited go on."
            : "Endpoint disabled: it receives no new events, and its pending deliveries wait until you enable it.");
        return "redirect:" + LIST + "/" + id;
    }

    @PostMapping(LIST + "/{id}/delete")
    String delete(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        endpoints.delete(staff.accountId(), id);
        redirect.addFlashAttribute("flash", "Endpoint deleted, with its deliveries.");
        return "redirect:" + LIST;
    }

    @PostMapping(LIST + "/{id}/deliveries/{deliveryId}/replay")
    String replay(Caller.Staff staff, @PathVariable String id, @PathVariable String deliveryId,
        @RequestParam(required = false) String cursor, RedirectAttributes redirect) {
        // Back to the page of deliveries the replayed one was on (an older one's, found by its cursor).
        String back = org.springframework.web.util.UriComponentsBuilder.fromPath(LIST + "/" + id)
            .queryParamIfPresent("cursor", java.util.Optional.ofNullable(cursor)
                .filter(c -> {
                    var errors = new io.till.shared.FieldErrors();
                    PageRequest.of(1, c, "whd", errors);
                    return !errors.any();
                }))
            .fragment(deliveryId)
            .build()
            .toUriString();
        if (!endpoints.get(staff.accountId(), id).enabled()) {
            redirect.addFlashAttribute("flashError", "This endpoint is disabled: enable it, then replay the delivery.");
            return "redirect:" + back;
        }
        deliveries.replay(staff.accountId(), id, deliveryId, Timestamps.now(clock));
        redirect.addFlashAttribute("flash", "Delivery queued again, with the same webhook-id.");
        return "redirect:" + back;
    }

    /** One attempt as the page shows it: its answer in words, never the peer's body. */
    record AttemptRow(int number, java.time.Instant at, String answer, boolean ok, long durationMs, String error) {

        static AttemptRow of(WebhookDelivery.Attempt attempt) {
            Integer status = attempt.responseStatus();
            String answer = status == null ? "no answer" : status + " " + reason(status);
            boolean ok = status != null && status >= 200 && status < 300;
            return new AttemptRow(attempt.attempt(), attempt.attemptedAt(), answer, ok, attempt.durationMs(),
                status == null ? attempt.error() : ok ? null : why(status));
        }

        /** Why an answer was not a delivery (PRODUCT.md §5: only 2xx counts, redirects are not followed). */
        private static String why(int status) {
            if (status == 410) {
                return "The endpoint said it is gone: Till disabled it. Its other deliveries wait until you enable it.";
            }
            if (status >= 300 && status < 400) {
                return "Redirects are not followed: point the endpoint at the final URL.";
            }
            return "Only a 2xx answer counts as delivered.";
        }

        private static String reason(int status) {
            var known = HttpStatus.resolve(status);
            return known == null ? "" : known.getReasonPhrase();
        }
    }

    record DeliveryRow(WebhookDelivery delivery, List<AttemptRow> attempts) {}

    private List<FieldError> refusals(Form form) {
        var errors = new FieldErrors();
        checks.url(form.url(), errors);
        EndpointChecks.eventTypes(form.types(), errors);
        EndpointChecks.description(form.description(), errors);
        try {
            errors.throwIfAny();
            return List.of();
        } catch (TillException refused) {
            // In the form's words: it offers "All events" as a box, where the API takes "*".
            return refused.errors().stream()
                .map(error -> error.field().equals("event_types") && error.code().equals("required")
                    ? new FieldError(error.field(), error.code(), "tick at least one event, or All events")
                    : error)
                .toList();
        }
    }

    private String listPage(Caller.Staff staff, Form form, Model model) {
        model.addAttribute("endpoints", allEndpoints(staff.accountId()));
        model.addAttribute("form", form);
        model.addAttribute("formKey", FormSubmissions.newKey());
        model.addAttribute("types", EventType.NAMES);
        return "webhook/endpoints";
    }

    /** Every endpoint of the account: the 101st is reached from the list as the first is. */
    private List<WebhookEndpoint> allEndpoints(String accountId) {
        return PageRequest.all(page -> endpoints.list(accountId, page), WebhookEndpoint::id);
    }

    private String endpointPage(Caller.Staff staff, WebhookEndpoint endpoint, Form form, String cursor, Model model) {
        var page = history.list(staff.accountId(), endpoint.id(), PageRequest.of(DELIVERIES_SHOWN, cursor, "whd"));
        var attempts = history.attempts(staff.accountId(), page.data().stream().map(WebhookDelivery::id).toList());
        var rows = new ArrayList<DeliveryRow>();
        for (var delivery : page.data()) {
            rows.add(new DeliveryRow(delivery, attempts.getOrDefault(delivery.id(), List.of())
                .reversed()
                .stream()
                .map(AttemptRow::of)
                .toList()));
        }
        model.addAttribute("endpoint", endpoint);
        model.addAttribute("form", form);
        model.addAttribute("formKey", FormSubmissions.newKey());
        model.addAttribute("types", EventType.NAMES);
        model.addAttribute("deliveries", rows);
        model.addAttribute("nextCursor", page.hasMore() ? page.nextCursor() : null);
        model.addAttribute("cursor", cursor);
        return "webhook/endpoint";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
