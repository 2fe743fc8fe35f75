package io.till.portal;

import io.till.account.Accounts;
import io.till.account.BrandImages;
import io.till.account.Brandings;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.ZoneId;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every portal page's layout shows (the seller's name, colour and support address, the buyer's session), as the
 * model attribute {@code frame}; and the friendly page for a failure on a portal page (a foreign id is a 404 page).
 * REST controllers of the package keep their problem details: {@code ApiExceptionHandler} runs first for them.
 */
@ControllerAdvice(basePackageClasses = PortalFrame.class)
@Order(Ordered.LOWEST_PRECEDENCE)
class PortalFrame {

    private final Accounts accounts;
    private final Brandings brandings;
    private final BrandImages images;
    private final Customers customers;

    PortalFrame(Accounts accounts, Brandings brandings, BrandImages images, Customers customers) {
        this.customers = customers;
        this.accounts = accounts;
        this.brandings = brandings;
        this.images = images;
    }

    /** A name that closes a sentence, with one period: "Sunny Soap Co." as it is, "Sunny Soap" + ".". */
    static String endingASentence(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    /**
     * @param logoUrl Till's copy of the seller's logo, null when there is none to show (then the name stands alone)
     * @param iconUrl Till's copy of the seller's icon, the tab's icon, or null
     * @param signedIn whether a session is on (then {@code fullAccess} tells whether it reaches more than the cards)
     * @param backTo the seller's page the session came from, shown as "Back to {company}"
     * @param zone the store's time zone, in which a page writes its days until portal.js writes them in the browser's
     * @param signedInAs the signed-in buyer's email, so that a buyer who shops under two addresses knows which one
     *     this is; null when nobody is signed in
     */
    record Frame(String accountId, String company, String supportEmail, String logoUrl, String iconUrl,
        boolean signedIn, boolean fullAccess, String backTo, String path, ZoneId zone, String signedInAs) {

        /** The company's name closing a sentence: "Sunny Soap Co." stays as it is, "Sunny Soap" gets its period. */
        public String companyEndingASentence() {
            return endingASentence(company);
        }

        /**
         * Whether the page is in the tab of {@code section} ("" the overview, "cards", "orders"): a subscription's and
         * a plan's pages are reached from the overview, the payments and refunds from the orders, and their tab says where the
         * buyer is ({@code aria-current}).
         */
        public boolean at(String section) {
            String base = "/portal/" + accountId + "/";
            return switch (section) {
                case "" -> path.equals(base) || path.startsWith(base + "subscriptions/")
                    || path.startsWith(base + "payment_plans/");
                case "orders" -> path.startsWith(base + "orders") || path.startsWith(base + "payments")
                    || path.startsWith(base + "refunds");
                default -> path.startsWith(base + section);
            };
        }
    }

    @ModelAttribute("frame")
    Frame frame(HttpServletRequest request) {
        if (!request.getServletPath().startsWith("/portal/")) {
            return null; // an API controller of the package
        }
        String accountId = PortalPaths.accountId(request).orElse("");
        var account = accounts.find(accountId).orElseThrow(() -> TillException.notFound("account", accountId));
        var branding = brandings.get(account.id());
        var session = PortalBuyerResolver.session();
        // Pages load images from Till only (CSP img-src 'self'): Till serves its own copy of the seller's images, and
        // links them only when it has them, so a broken image never shows. The first page after a change waits for
        // the fetch (at most its timeout); later ones find it in memory.
        var shown = images.shown(account.id(), branding);
        return new Frame(account.id(), branding.companyNameOr(account.name()), branding.supportEmail(),
            shown.logo().isPresent() ? "/portal/" + account.id() + "/logo" : null,
            shown.icon().isPresent() ? "/portal/" + account.id() + "/icon" : null,
            session.isPresent(),
            session.map(s -> s.buyer().access() == PortalBuyer.Access.FULL).orElse(false),
            session.map(PortalSessions.Session::returnUrl).orElse(null), request.getServletPath(), branding.zone(),
            session.flatMap(s -> customers.find(account.id(), s.buyer().customerId()))
                .map(Customer::email)
                .orElse(null));
    }

    /**
     * A page's address or a form sent without what it needs, or with a value of the wrong kind (a link cut short, a
     * form the portal never made): the portal's own page, not the API's problem details.
     */
    @ExceptionHandler({ServletRequestBindingException.class, TypeMismatchException.class})
    String unreadable(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return failed(new TillException(ErrorCode.VALIDATION_FAILED, "This address or form is missing something we "
            + "need. Go back and try again."), request, response, model);
    }

    @ExceptionHandler(TillException.class)
    String failed(TillException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(e.code().status().value());
        // An exception handler gets a fresh model: without the frame the page would lose the seller's header. An
        // unknown account has none to show.
        try {
            model.addAttribute("frame", frame(request));
        } catch (TillException unknownAccount) {
            model.addAttribute("frame", null);
        }
        model.addAttribute("notFound", e.code() == ErrorCode.NOT_FOUND);
        // The processor's own words may name the store's keys or its internals: the buyer gets the portal's.
        model.addAttribute("message", switch (e.code()) {
            case NOT_FOUND -> null;
            case GATEWAY_UNAVAILABLE, GATEWAY_NOT_CONFIGURED -> "We could not reach the card processor. Please try "
                + "again in a minute.";
            default -> e.getMessage();
        });
        return "portal/problem";
    }
}
