package io.till.automation;

import io.till.idempotency.FormSubmissions;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/**
 * "Run now" on the Steps tab of an automation started by hand: the active version, for the customer picked (or none)
 * and with the data typed, through {@link DirectStarts#runManually} as the API's {@code POST …/run} does, with the same
 * refusals (paused, no active version, conditions that do not hold, its limit or concurrency for the customer, a
 * customer of another account). Any signed-in
 * staff member may run one, as any API key may. The form carries a one-time key, so a double click starts one run.
 */
@Controller
class AutomationRunPages {

    private static final String PAGE = AutomationPages.LIST + "/{id}";

    private final Automations automations;
    private final StepSecrets secrets;
    private final AutomationPictures pictures;
    private final DirectStarts starts;
    private final DefinitionText texts;
    private final FormSubmissions submissions;
    private final ManualRunForm form;

    AutomationRunPages(Automations automations, StepSecrets secrets, AutomationPictures pictures, DirectStarts starts,
        DefinitionText texts, FormSubmissions submissions, ManualRunForm form) {
        this.automations = automations;
        this.secrets = secrets;
        this.pictures = pictures;
        this.starts = starts;
        this.texts = texts;
        this.submissions = submissions;
        this.form = form;
    }

    /** The customer picker's results alone, for htmx as the staff member types. */
    @GetMapping(PAGE + "/run/customers")
    String customers(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "q", defaultValue = "") String query, HttpServletResponse response, Model model) {
        response.addHeader(HttpHeaders.VARY, "HX-Request");
        automations.get(staff.accountId(), id);
        form.found(staff.accountId(), id, query, model);
        return "automation/automation :: run-customers";
    }

    @PostMapping(PAGE + "/run")
    String run(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String customer,
        @RequestParam(defaultValue = "") String data,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, HttpServletResponse response,
        Model model, RedirectAttributes redirect) {
        String customerId = customer.isBlank() ? null : customer.strip();
        List<FieldError> refused;
        try {
            JsonNode parsed = texts.read(data.isBlank() ? "{}" : data, "data");
            if (!parsed.isObject()) {
                throw TillException.invalid("data", "invalid_type", "must be a JSON object, such as {\"source\": "
                    + "\"phone call\"}");
            }
            String started = submissions.once(staff.accountId(), formKey, PAGE.replace("{id}", id) + "/run?"
                + customer + "&" + data, () -> starts.runManually(staff.accountId(), id, customerId, parsed).id());
            // Said beside the button pressed (the page opens at #run), with a link to the run.
            redirect.addFlashAttribute("startedRun", started);
            return "redirect:" + AutomationPages.LIST + "/" + id + (customerId == null
                ? ""
                : "?customer="
                    + customerId)
                + "#run";
        } catch (TillException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            refused = e.errors().isEmpty()
                ? List.of(new FieldError("body", e.code().name().toLowerCase(), e.getMessage()))
                : e.errors();
        }
        // Nothing typed is lost: the page comes back with the customer and the data as they were sent.
        var automation = AutomationEditorPages.shown(automations, secrets, staff, id, model, "steps");
        model.addAttribute("flow", pictures.flow(staff.accountId(), automation.definition()));
        form.offer(staff.accountId(), automation, customerId, "", data, model);
        model.addAttribute("runRefused", refused.stream().map(AutomationRunPages::inWords).toList());
        response.setStatus(422);
        return "automation/automation";
    }

    /** A refusal as the form's words: the API's field names are the form's labels here. */
    private static FieldError inWords(FieldError error) {
        return switch (error.field()) {
            case "customer_id" -> new FieldError("Customer", error.code(), error.message());
            case "data" -> new FieldError("Data", error.code(), error.message());
            default -> new FieldError("The run", error.code(), error.message());
        };
    }
}
