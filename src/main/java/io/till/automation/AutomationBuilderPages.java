package io.till.automation;

import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.RequestContextUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The visual builder: the definition as forms (trigger, conditions, steps), edited by round trips that apply the
 * form's fields and the button pressed ({@link BuilderEdits}) to the JSON the page carries, check the result with the
 * rules a save applies, and draw it again with every problem beside the field its path names. Nothing is stored until
 * Save, which goes through {@link Automations#update} as the JSON tab and the API's PUT do. Without JavaScript every
 * button still works as a plain form post; with htmx the builder redraws in place as the seller types.
 */
@Controller
class AutomationBuilderPages {

    private static final String PAGE = AutomationPages.LIST + "/{id}/builder";
    /** Form fields that hold the definition are named {@code d:<path>[#type]}; the rest are the form's own. */
    private static final String FIELD = "d:";
    /** An Add button's op names the menu ({@code pick:…}) whose chosen option is the operation to perform. */
    private static final String PICK = "pick:";

    private final Automations automations;
    private final StepSecrets secrets;
    private final DefinitionText texts;
    private final List<BuilderSection> sections;

    AutomationBuilderPages(Automations automations, StepSecrets secrets, DefinitionText texts,
        List<BuilderSection> sections) {
        this.automations = automations;
        this.secrets = secrets;
        this.texts = texts;
        this.sections = sections;
    }

    @GetMapping(PAGE)
    String builder(Caller.Staff staff, @PathVariable String id, Model model) {
        var automation = shown(staff, id, model);
        draw(staff.accountId(), (ObjectNode) automation.definition().deepCopy(), null, false, model);
        return "automation/builder";
    }

    /**
     * One edit: the fields as they stand, then the button pressed ({@code op}); {@code op=json} takes the JSON panel's
     * text as the definition instead, and {@code op=save} saves the result as a new draft version.
     */
    @PostMapping(PAGE)
    String edit(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String definition,
        @RequestParam(defaultValue = "") String op, @RequestHeader(name = "HX-Request", required = false) String htmx,
        HttpServletRequest request, HttpServletResponse response, Model model, RedirectAttributes redirect) {
        shown(staff, id, model);
        String view = htmx == null ? "automation/builder" : "automation/builder :: builder";
        ObjectNode edited;
        try {
            if (!(texts.read(definition) instanceof ObjectNode object)) {
                throw TillException.invalid("body", "invalid_type", "must be a JSON object");
            }
            edited = object;
            if (!op.equals("json")) {
                JsonNode before = edited.deepCopy();
                BuilderEdits.apply(edited, fields(request), op.equals("save") ? null : chosen(op, request));
                sections.forEach(section -> section.tidy(staff.accountId(), before, edited));
            }
        } catch (TillException e) {
            // Only the JSON panel's text can be malformed: it comes back as typed, with where it breaks.
            model.addAttribute("builder", BuilderView.unreadable(definition, e.errors()));
            refuse(htmx, response);
            return view;
        } catch (BuilderEdits.Refused e) {
            draw(staff.accountId(), (ObjectNode) texts.read(definition), e.getMessage(), true, model);
            refuse(htmx, response);
            return view;
        }
        if (op.equals("save")) {
            var problems = texts.problems(staff.accountId(), edited);
            String refusal = "Not saved: fix the problems shown first.";
            if (problems.isEmpty()) {
                try {
                    return saved(staff, id, edited, htmx != null, request, response, redirect);
                } catch (TillException e) {
                    if (e.code() == ErrorCode.NOT_FOUND) {
                        throw e;
                    }
                    // Refused for the automation's state (archived meanwhile): the edits stay on the page.
                    refusal = "Not saved: " + e.getMessage();
                }
            }
            draw(staff.accountId(), edited, refusal, true, model);
            refuse(htmx, response);
            return view;
        }
        draw(staff.accountId(), edited, null, true, model);
        return view;
    }

    private String saved(Caller.Staff staff, String id, ObjectNode definition, boolean htmx,
        HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect) {
        String flash = AutomationPages.savedFlash(automations.save(staff.accountId(), id, definition));
        String to = AutomationPages.LIST + "/" + id + "/builder";
        if (htmx) {
            // htmx would follow a redirect inside its swap; a whole-page load shows the flash and the new version.
            var flashes = RequestContextUtils.getOutputFlashMap(request);
            flashes.put("flash", flash);
            RequestContextUtils.saveOutputFlashMap(to, request, response);
            response.setHeader("HX-Redirect", to);
            return "automation/builder :: nothing";
        }
        redirect.addFlashAttribute("flash", flash);
        return "redirect:" + to;
    }

    /** The definition drawn as forms, with the problems a save would meet and what each section needs to offer. */
    private void draw(String accountId, ObjectNode definition, String refused, boolean checked, Model model) {
        List<FieldError> problems = checked ? texts.problems(accountId, definition) : List.of();
        model.addAttribute("builder", new BuilderView(definition, texts.pretty(definition), problems, refused));
        sections.forEach(section -> section.offer(accountId, definition, model));
    }

    /**
     * A page sent back unsaved is a 422 to a plain form post; htmx swaps only successful answers, and its redraw is
     * what shows the problems, so it gets them with a 200.
     */
    private static void refuse(String htmx, HttpServletResponse response) {
        if (htmx == null) {
            response.setStatus(422);
        }
    }

    /**
     * The operation a button names: itself, or for an Add button ({@code pick:<lane>:<at>}) the step chosen in the menu
     * of that name beside it ({@code action:create_task}) added there: {@code step-add:<lane>:<at>:action:create_task}.
     */
    private static String chosen(String op, HttpServletRequest request) {
        if (op.startsWith(PICK)) {
            String picked = request.getParameter(op);
            return picked == null || picked.isBlank() ? "" : "step-add:" + op.substring(PICK.length()) + ":" + picked;
        }
        return op;
    }

    /** The definition's fields in the order the form sent them; of a name sent twice (a checkbox), the last. */
    private static Map<String, String> fields(HttpServletRequest request) {
        var fields = new LinkedHashMap<String, String>();
        request.getParameterMap().forEach((name, values) -> {
            if (name.startsWith(FIELD) && values.length > 0) {
                fields.put(name.substring(FIELD.length()), values[values.length - 1]);
            }
        });
        return fields;
    }

    private Automation shown(Caller.Staff staff, String id, Model model) {
        return AutomationEditorPages.shown(automations, secrets, staff, id, model, "builder");
    }
}
