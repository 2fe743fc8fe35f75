package io.till.automation;

import io.till.shared.Caller;
import io.till.shared.FieldError;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One automation in the dashboard: its steps drawn as a flow, its status with activate / pause / resume, its JSON
 * (checked as it is typed by the checks that guard a save, saved through {@link Automations#update} as the API's PUT
 * does), and its versions with a side-by-side diff, restore and activate. Secret params are shown masked, as the API
 * shows them, and a masked value saved back keeps the secret ({@link StepSecrets#sealed}).
 */
@Controller
class AutomationEditorPages {

    private static final String PAGE = AutomationPages.LIST + "/{id}";
    /** Unchanged lines kept around each change of a diff; the rest folds away. */
    private static final int DIFF_CONTEXT = 3;
    private static final int VERSIONS_SHOWN = 50;

    private final Automations automations;
    private final AutomationPictures pictures;
    private final StepSecrets secrets;
    private final JsonMapper json;

    AutomationEditorPages(Automations automations, AutomationPictures pictures, StepSecrets secrets,
        JsonMapper json) {
        this.automations = automations;
        this.pictures = pictures;
        this.secrets = secrets;
        this.json = json;
    }

    @GetMapping(PAGE)
    String steps(Caller.Staff staff, @PathVariable String id, Model model) {
        var automation = shown(staff, id, model, "steps");
        model.addAttribute("flow", pictures.flow(staff.accountId(), automation.definition()));
        return "automation/automation";
    }

    @GetMapping(PAGE + "/json")
    String definition(Caller.Staff staff, @PathVariable String id, Model model) {
        var automation = shown(staff, id, model, "json");
        model.addAttribute("text", pretty(automation.definition()));
        model.addAttribute("problems", List.of());
        return "automation/automation";
    }

    /** The editor's as-you-type check: the problems the save would refuse, each with its JSON path. */
    @PostMapping(PAGE + "/json/check")
    String check(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String definition,
        Model model) {
        automations.get(staff.accountId(), id);
        model.addAttribute("problems", problems(staff.accountId(), definition));
        model.addAttribute("checked", true);
        return "automation/automation :: problems";
    }

    @PostMapping(PAGE + "/json")
    String save(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String definition,
        Model model, HttpServletResponse response, RedirectAttributes redirect) {
        List<FieldError> problems;
        try {
            var saved = automations.update(staff.accountId(), id, read(definition));
            redirect.addFlashAttribute("flash", "Saved as version " + saved.version() + ", a draft. "
                + (saved.activeVersion() == null
                    ? "Activate it to start running."
                    : "Version " + saved.activeVersion() + " keeps running until you activate this one."));
            return "redirect:" + AutomationPages.LIST + "/" + id;
        } catch (TillException e) {
            if (e.code() == io.till.shared.ErrorCode.NOT_FOUND) {
                throw e;
            }
            problems = e.errors().isEmpty()
                ? List.of(new FieldError("body", e.code().name().toLowerCase(), e
                    .getMessage()))
                : e.errors();
        }
        // Nothing typed is lost: the page comes back with the text as it was sent and every problem beside it.
        shown(staff, id, model, "json");
        model.addAttribute("text", definition);
        model.addAttribute("problems", problems);
        model.addAttribute("checked", true);
        response.setStatus(422);
        return "automation/automation";
    }

    @PostMapping(PAGE + "/activate")
    String activate(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) Integer version,
        @RequestParam(defaultValue = "") String back, RedirectAttributes redirect) {
        AutomationPages.refusedOrDone(redirect, () -> {
            var activated = automations.activate(staff.accountId(), id, version);
            redirect.addFlashAttribute("flash", "Version " + activated.activeVersion() + " is active: new runs use "
                + "it. Runs already under way keep the version they started with.");
        });
        return "redirect:" + AutomationPages.LIST + "/" + id + ("versions".equals(back) ? "/versions" : "");
    }

    @GetMapping(PAGE + "/versions")
    String versions(Caller.Staff staff, @PathVariable String id, @RequestParam(required = false) Integer from,
        @RequestParam(required = false) Integer to, Model model) {
        shown(staff, id, model, "versions");
        // The newest versions only: each holds a whole definition, and an automation saved a thousand times would
        // otherwise load them all; older ones stay reachable through the API's paged list.
        var page = automations.versions(staff.accountId(), id, new PageRequest(VERSIONS_SHOWN, null));
        var versions = page.data().stream().map(v -> secrets.masked(staff.accountId(), v)).toList();
        model.addAttribute("versions", versions);
        model.addAttribute("olderVersions", page.hasMore());
        if (versions.size() > 1) {
            var right = versions.stream().filter(v -> to != null && v.version() == to).findFirst()
                .orElse(versions.getFirst());
            var left = versions.stream().filter(v -> from != null && v.version() == from).findFirst()
                .orElse(versions.stream().filter(v -> v.version() < right.version()).findFirst()
                    .orElse(versions.get(1)));
            var rows = LineDiff.sideBySide(pretty(left.definition()), pretty(right.definition()));
            model.addAttribute("from", left.version());
            model.addAttribute("to", right.version());
            model.addAttribute("diff", LineDiff.folded(rows, DIFF_CONTEXT));
            model.addAttribute("differs", LineDiff.changed(rows));
        }
        return "automation/versions";
    }

    @PostMapping(PAGE + "/versions/{version}/restore")
    String restore(Caller.Staff staff, @PathVariable String id, @PathVariable int version,
        RedirectAttributes redirect) {
        AutomationPages.refusedOrDone(redirect, () -> {
            var restored = automations.restore(staff.accountId(), id, version);
            redirect.addFlashAttribute("flash", "Version " + version + " restored as version " + restored.version()
                + ", a draft. Nothing changes for running automations until you activate it.");
        });
        return "redirect:" + AutomationPages.LIST + "/" + id + "/versions";
    }

    /** The automation (masked) and its state for the page's header and tabs; a foreign id is the not-found page. */
    private Automation shown(Caller.Staff staff, String id, Model model, String tab) {
        return shown(automations, secrets, staff, id, model, tab);
    }

    /** What {@code automation/parts :: header} needs, for every tab of an automation's page. */
    static Automation shown(Automations automations, StepSecrets secrets, Caller.Staff staff, String id, Model model,
        String tab) {
        var automation = secrets.masked(staff.accountId(), automations.get(staff.accountId(), id));
        model.addAttribute("automation", automation);
        model.addAttribute("state", AutomationPages.State.of(automation));
        model.addAttribute("tab", tab);
        return automation;
    }

    private List<FieldError> problems(String accountId, String text) {
        try {
            automations.check(accountId, read(text));
            return List.of();
        } catch (TillException e) {
            return e.errors().isEmpty() ? List.of(new FieldError("body", "invalid", e.getMessage())) : e.errors();
        }
    }

    private JsonNode read(String text) {
        return read(json, text, "body");
    }

    /** Typed text as JSON; malformed JSON is a problem of {@code field}, placed by line and column. */
    static JsonNode read(JsonMapper json, String text, String field) {
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            var at = e.getLocation();
            String where = at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw TillException.invalid(field, "malformed_json", "is not valid JSON" + where + ": "
                + readable(e.getOriginalMessage()));
        }
    }

    /**
     * The parser's complaint without what only its authors need: "Unexpected close marker '}': expected ']'" stays,
     * the "(for Array starting at [Source: REDACTED …])" after it goes.
     */
    private static String readable(String message) {
        if (message == null) {
            return "it could not be read";
        }
        String text = message.split("\n", 2)[0];
        int internals = text.indexOf(" (for ");
        return (internals > 0 ? text.substring(0, internals) : text).strip();
    }

    /**
     * Fields in the order a person reads a definition (name, trigger, conditions, steps; a step's id and type first),
     * not in the order PostgreSQL keeps jsonb keys; the rest follow as kept. Only how it is shown changes.
     */
    private static final List<String> READING_ORDER = List.of("name", "description", "id", "type", "trigger",
        "event", "scope", "conditions", "action", "params", "if", "then", "else", "duration", "until", "over", "max",
        "steps", "retry", "fallback");

    private String pretty(JsonNode definition) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(readable(definition));
    }

    private JsonNode readable(JsonNode node) {
        if (node.isArray()) {
            var array = json.createArrayNode();
            node.forEach(item -> array.add(readable(item)));
            return array;
        }
        if (!node.isObject()) {
            return node;
        }
        var object = json.createObjectNode();
        READING_ORDER.stream().filter(node::has).forEach(name -> object.set(name, readable(node.get(name))));
        node.properties().forEach(entry -> {
            if (!object.has(entry.getKey())) {
                object.set(entry.getKey(), readable(entry.getValue()));
            }
        });
        return object;
    }
}
