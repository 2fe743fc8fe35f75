package io.till.portal;

import io.till.account.Branding;
import io.till.account.Brandings;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;

/** The portal's own pages: the sign-in page, opening a seller's portal session, signing out, and the overview. */
@Controller
class PortalPages {

    /** Orders, payments and refunds the overview shows of each. */
    static final int NEWEST = 5;

    private final PortalLinks links;
    private final PortalSignIns signIns;
    private final PortalOverview overview;
    private final PortalHistory history;
    private final Brandings brandings;
    private final SentLinkNotice sentNotice;
    private final Customers customers;

    PortalPages(PortalLinks links, PortalSignIns signIns, PortalOverview overview, PortalHistory history,
        Brandings brandings, SentLinkNotice sentNotice, Customers customers) {
        this.sentNotice = sentNotice;
        this.customers = customers;
        this.history = history;
        this.links = links;
        this.signIns = signIns;
        this.overview = overview;
        this.brandings = brandings;
    }

    @GetMapping("/portal/{accountId}")
    String signInPage(@PathVariable String accountId, @RequestParam(required = false) String sent,
        HttpServletRequest request, Model model) {
        var session = PortalBuyerResolver.session();
        if (PortalBuyerResolver.signedInTo(accountId)) {
            return "redirect:" + PortalPaths.overview(accountId);
        }
        // A buyer in through a card link sees why this page asks for an email although they are signed in.
        model.addAttribute("cardsOnly", session.isPresent());
        if (sent != null) {
            model.addAttribute("sent", true);
            sentNotice.email(request).ifPresent(email -> model.addAttribute("email", email));
        }
        return "portal/sign_in";
    }

    /**
     * The URL answered by {@code POST /api/v1/portal_sessions}: opening it signs in at once, unless this browser is
     * signed in to the store as another customer. Then it asks first, naming both: a link made for someone else's
     * customer (an attacker's own, sent to a buyer) must not silently swap the account the buyer then adds a card to.
     */
    @GetMapping("/portal/{accountId}/session/{token}")
    String openSession(@PathVariable String accountId, @PathVariable String token, HttpServletRequest request,
        HttpServletResponse response, Model model) {
        var other = links.customerOf(PortalLinks.Kind.API, accountId, token)
            .filter(customerId -> signedInAsAnother(accountId, customerId));
        if (other.isPresent()) {
            return switchPage(model, "/portal/" + accountId + "/session/" + token, customers.find(accountId, other
                .get()));
        }
        return useSession(accountId, token, request, response, model);
    }

    /** The page that asks before a link signs this browser in as another customer ({@code to}) of the store. */
    static String switchPage(Model model, String action, java.util.Optional<Customer> to) {
        model.addAttribute("switchAction", action);
        model.addAttribute("switchTo", to.map(Customer::email).orElse(""));
        return "portal/switch";
    }

    /** Whether the browser is signed in to the whole portal of the store as another customer than {@code customerId}. */
    static boolean signedInAsAnother(String accountId, String customerId) {
        return PortalBuyerResolver.session().map(PortalSessions.Session::buyer)
            .filter(buyer -> buyer.accountId().equals(accountId) && buyer.access() == PortalBuyer.Access.FULL)
            .filter(buyer -> !buyer.customerId().equals(customerId))
            .isPresent();
    }

    /** "Open this account" on the page {@link #openSession} asks on. */
    @PostMapping("/portal/{accountId}/session/{token}")
    String switchSession(@PathVariable String accountId, @PathVariable String token, HttpServletRequest request,
        HttpServletResponse response, Model model) {
        return useSession(accountId, token, request, response, model);
    }

    private String useSession(String accountId, String token, HttpServletRequest request,
        HttpServletResponse response, Model model) {
        var opened = links.consume(PortalLinks.Kind.API, accountId, token);
        if (opened.isEmpty()) {
            // Back in the seller's app, the buyer opens their account again and the app makes a new link.
            model.addAttribute("returnUrl", links.returnUrl(PortalLinks.Kind.API, accountId, token).orElse(null));
        }
        return signIns.signInOrExpired(request, response,
            opened.map(link -> new PortalBuyer(accountId, link.customerId(), PortalBuyer.Access.FULL)),
            opened.map(PortalLinks.Opened::returnUrl).orElse(null));
    }

    /**
     * A HEAD of the session URL (a link previewer, a mail scanner) answers without using the link up: Spring would
     * otherwise serve it with {@link #openSession}, and the buyer's own click would then find the link spent.
     */
    @RequestMapping(path = "/portal/{accountId}/session/{token}", method = RequestMethod.HEAD)
    ResponseEntity<Void> peekSession() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).build();
    }

    @PostMapping("/portal/{accountId}/sign_out")
    String signOut(@PathVariable String accountId, HttpServletRequest request, HttpServletResponse response) {
        signIns.signOut(request, response, accountId);
        return "redirect:" + PortalPaths.signIn(accountId) + "?signed_out";
    }

    @GetMapping("/portal/{accountId}/")
    String overview(PortalBuyer buyer, @RequestParam(defaultValue = "active") String show, Model model) {
        boolean all = "all".equals(show);
        model.addAttribute("all", all);
        model.addAttribute("billing", overview.billing(buyer, all));
        model.addAttribute("credit", String.join(" and ", overview.credit(buyer)));
        // The newest few of each, so the page stays short; "See all" opens the whole list (PortalHistoryPages).
        model.addAttribute("orders", history.orders(buyer, NEWEST, 0));
        model.addAttribute("payments", history.payments(buyer, NEWEST, 0));
        model.addAttribute("refunds", history.refunds(buyer, NEWEST, 0));
        model.addAttribute("counts", history.counts(buyer));
        return "portal/overview";
    }

    /**
     * Any other address under a store's portal (a link cut short, a guess such as {@code /orders}): the portal's own
     * not-found page, as for an id that is not the buyer's. Every page of the portal has a more specific mapping.
     */
    @RequestMapping("/portal/{accountId:acct_[a-z0-9]+}/**")
    String unknown(HttpServletRequest request) {
        throw TillException.notFound("page", request.getRequestURI());
    }

    /** A form sent without its CSRF token, or with a stale one (PortalSecurity forwards here with a 403). */
    @RequestMapping("/portal/{accountId}/refused")
    String refused(HttpServletResponse response) {
        response.setStatus(HttpStatus.FORBIDDEN.value());
        return "portal/refused";
    }

    /**
     * The seller's colour as CSS variables: pages allow no inline styles (CSP), so the colour comes as a tiny
     * stylesheet. The ink on it is near-black or white, whichever contrasts more.
     */
    @GetMapping(path = "/portal/{accountId}/brand.css", produces = "text/css")
    ResponseEntity<String> brand(@PathVariable String accountId) {
        String color = brandings.get(accountId).brandColor();
        String css = Branding.cssVariables(color == null ? Branding.PORTAL_COLOR : color);
        return ResponseEntity.ok()
            .contentType(MediaType.valueOf("text/css"))
            .cacheControl(CacheControl.noCache())
            .body(css);
    }
}
