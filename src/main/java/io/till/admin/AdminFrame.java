package io.till.admin;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.account.Mode;
import io.till.account.StoreTime;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.web.RequestIdFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * What every dashboard page's layout shows (the account, its mode, the sandbox clock, the navigation), as the model
 * attribute {@code frame}, added after a page's handler under /admin only (a {@code @ModelAttribute} method of this
 * advice would run for every API request of these packages too: measured at 5-10 % of an event's ingest); and the
 * friendly page, inside the frame, for a failure on a dashboard page (an id of another
 * account is a 404 page, as the API answers). Dashboard pages live in the feature they show (customer, billing), so
 * the advice names those packages by string: admin depends on them, never the other way round. Their REST controllers
 * keep their problem details, since {@code ApiExceptionHandler} runs first for them.
 */
@ControllerAdvice(basePackages = {"io.till.admin", "io.till.access", "io.till.account", "io.till.automation",
        "io.till.billing", "io.till.catalog", "io.till.checkout", "io.till.customer", "io.till.event",
        "io.till.integration",
        "io.till.message", "io.till.payment", "io.till.receipt",
        "io.till.task", "io.till.webhook"})
@Order(Ordered.LOWEST_PRECEDENCE)
class AdminFrame implements HandlerInterceptor, WebMvcConfigurer {

    /** The sections of the navigation; a section's key is the first part of its pages' paths after /admin. */
    static final List<Section> SECTIONS = List.of(new Section("customers", "Customers", "/admin/customers"),
        new Section("billing", "Billing", "/admin/orders"), new Section("catalog", "Catalog", "/admin/catalog"),
        new Section("automations", "Automations", "/admin/automations"),
        new Section("executions", "Executions", "/admin/executions"), new Section("tasks", "Tasks", "/admin/tasks"),
        new Section("webhooks", "Webhooks", "/admin/webhooks"),
        new Section("developers", "Developers", "/admin/developers"),
        new Section("settings", "Settings", "/admin/settings"));

    /** The billing records and their lists belong to the Billing section, wherever they were reached from. */
    private static final java.util.Map<String, String> RECORDS = java.util.Map.of("subscriptions", "billing",
        "payment-plans", "billing", "invoices", "billing", "orders", "billing", "payments", "billing");

    record Section(String key, String label, String href) {}

    /**
     * @param clock the sandbox test clock's time in the store's zone, null for a live account
     * @param section the navigation key of the page shown
     * @param role the signed-in staff member's role, {@code owner} or {@code staff}: pages hide what only an owner may
     *     do when {@link #owner()} is false (SecurityConfiguration refuses it anyway)
     * @param zone the store's time zone as labels name it ("UTC", "America/New York"): the days of the reports and
     *     of the date filters are its days
     * @param back where a form of the frame (the test clock's Advance) comes back to: this page's own address, or,
     *     for a page drawn as the answer to a form (a refused one, whose address takes only that form), its section
     */
    record Frame(String accountName, String mode, boolean sandbox, String clock, String staffEmail, String section,
        List<Section> sections, String role, String zone, String back) {

        public boolean at(String key) {
            return key.equals(section);
        }

        public boolean owner() {
            return "owner".equals(role);
        }
    }

    private final Accounts accounts;
    private final Brandings brandings;
    private final Clock clock;

    AdminFrame(Accounts accounts, Brandings brandings, Clock clock) {
        this.accounts = accounts;
        this.brandings = brandings;
        this.clock = clock;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/admin/**");
    }

    /** Gives a dashboard page its frame; redirects and answers without a view have none. */
    @Override
    public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
        ModelAndView page) {
        if (page != null && page.hasView() && !(page.getViewName() != null && page.getViewName().startsWith(
            "redirect:")) && !page.getModel().containsKey("frame")) {
            page.addObject("frame", frame(request));
        }
    }

    Frame frame(HttpServletRequest request) {
        String path = request.getServletPath();
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!path.startsWith("/admin") || authentication == null
            || !(authentication.getPrincipal() instanceof Caller.Source source)
            || !(source.caller() instanceof Caller.Staff staff)) {
            return null;
        }
        var account = accounts.get(staff.accountId());
        boolean sandbox = account.mode() == Mode.SANDBOX;
        String[] parts = path.split("/");
        String section = parts.length > 2 ? RECORDS.getOrDefault(parts[2], parts[2]) : "customers";
        var branding = brandings.get(staff.accountId());
        ZoneId zone = branding.zone();
        // The store as Settings › Branding names it, as its receipts and portal do; the account's name until then.
        return new Frame(branding.companyNameOr(account.name()), account.mode().code(), sandbox,
            sandbox ? StoreTime.minute(clock.instant(), zone) : null, staff.email(), section, SECTIONS,
            authentication.getAuthorities().stream().anyMatch(a -> "ROLE_OWNER".equals(a.getAuthority()))
                ? "owner"
                : "staff",
            StoreTime.label(zone), back(request, section));
    }

    private static String back(HttpServletRequest request, String section) {
        if ("GET".equals(request.getMethod())) {
            String query = request.getQueryString();
            return request.getServletPath() + (query == null ? "" : "?" + query);
        }
        return SECTIONS.stream().filter(s -> s.key().equals(section)).map(Section::href).findFirst().orElse("/admin");
    }

    @ExceptionHandler(TillException.class)
    String failed(TillException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(e.code().status().value());
        // An exception handler gets a fresh model: without the frame the page would lose its navigation.
        model.addAttribute("frame", frame(request));
        model.addAttribute("status", e.code().status().value());
        model.addAttribute("notFound", e.code() == ErrorCode.NOT_FOUND);
        model.addAttribute("message", e.code() == ErrorCode.NOT_FOUND ? null : e.getMessage());
        // Several refusals at once: each named, as the API's errors list does ("2 fields are invalid" names none).
        model.addAttribute("refusals", e.errors().size() < 2
            ? List.of()
            : e.errors().stream().map(error -> "Invalid " + error.field() + ": " + error.message()).toList());
        model.addAttribute("requestId", RequestIdFilter.current());
        return "admin/problem";
    }
}
