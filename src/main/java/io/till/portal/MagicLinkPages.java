package io.till.portal;

import io.till.access.SignInThrottle;
import io.till.customer.Customer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-in by magic link. Asking for a link answers the same page whether or not the email is a customer's (the link,
 * if any, is sent in the background); asking too often answers 429 with {@code Retry-After}, again the same either
 * way. A link asked for answers with a redirect to the page saying so ({@link SentLinkNotice}), so reloading it sends
 * nothing. Opening the link shows a button, because mail scanners fetch links; only its POST signs in.
 */
@Controller
class MagicLinkPages {

    /** What the sign-in form takes for an email address: something, an at sign, something; no spaces. */
    static final String EMAIL_SHAPE = "[^@\\s]+@[^@\\s]+";

    /** How many clients' worth of links one email may be sent within the window, whoever asks. */
    static final int CLIENTS_PER_EMAIL = 4;

    private final MagicLinks magicLinks;
    private final PortalLinks links;
    private final PortalSignIns signIns;
    private final SignInThrottle throttle;
    private final SignInThrottle.Limits limits;
    private final SignInThrottle.Limits inAll;
    private final SentLinkNotice sentNotice;
    private final io.till.customer.Customers customers;

    MagicLinkPages(MagicLinks magicLinks, PortalLinks links, PortalSignIns signIns, SignInThrottle throttle,
        SentLinkNotice sentNotice, io.till.customer.Customers customers,
        @Value("${till.portal.sign-in-links-per-email:5}") int perEmail,
        @Value("${till.portal.sign-in-links-per-address:30}") int perAddress) {
        this.customers = customers;
        this.magicLinks = magicLinks;
        this.links = links;
        this.signIns = signIns;
        this.throttle = throttle;
        this.sentNotice = sentNotice;
        this.limits = new SignInThrottle.Limits("portal", perEmail, perAddress);
        this.inAll = new SignInThrottle.Limits("portal-email", perEmail * CLIENTS_PER_EMAIL, Integer.MAX_VALUE);
    }

    @PostMapping("/portal/{accountId}")
    String requestLink(@PathVariable String accountId, @RequestParam(defaultValue = "") String email,
        HttpServletRequest request, HttpServletResponse response, Model model) {
        String address = email.strip();
        model.addAttribute("email", address);
        if (address.length() > 254 || !address.matches(EMAIL_SHAPE)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("invalidEmail", true);
            return "portal/sign_in";
        }
        // Counted per store: asking another store's portal for the same email must not lock the buyer out of this one.
        // Per email from each client, so that someone who knows a buyer's email cannot keep them from signing in by
        // asking for it every few minutes, and per email in all (a few clients' worth), so that a mailbox is not
        // flooded from many.
        String ip = request.getRemoteAddr();
        // As the customer is found: one address however its accents are composed (zoë and zoe + a combining mark).
        String counted = java.text.Normalizer.normalize(address, java.text.Normalizer.Form.NFC);
        var wait = throttle.admit(limits, accountId + " " + counted + " " + SignInThrottle.client(ip), ip)
            .or(() -> throttle.admit(inAll, accountId + " " + counted, ip));
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
            model.addAttribute("retryAfterMinutes", Math.max(1, Duration.ofSeconds(seconds + 59).toMinutes()));
            return "portal/sign_in";
        }
        magicLinks.requested(accountId, address);
        return sentNotice.redirect(accountId, address, request, response);
    }

    @GetMapping("/portal/{accountId}/link/{token}")
    String confirm(@PathVariable String accountId, @PathVariable String token, HttpServletResponse response,
        Model model) {
        if (!links.isUsable(PortalLinks.Kind.EMAIL, accountId, token)) {
            return PortalBuyerResolver.signedInTo(accountId)
                ? "redirect:" + PortalPaths.overview(accountId)
                : PortalSignIns.expired(response);
        }
        var owner = links.customerOf(PortalLinks.Kind.EMAIL, accountId, token);
        var other = owner.filter(customerId -> PortalPages.signedInAsAnother(accountId, customerId));
        if (other.isPresent()) {
            // Signed in as someone else: a link forwarded by another customer must not swap accounts unnoticed.
            return PortalPages.switchPage(model, "/portal/" + accountId + "/link/" + token, customers.find(accountId,
                other.get()));
        }
        model.addAttribute("token", token);
        // Whose account it opens, said before it does (a link forwarded by its customer opens theirs).
        model.addAttribute("accountOf", owner.flatMap(customerId -> customers.find(accountId, customerId))
            .map(Customer::email).orElse(""));
        return "portal/confirm";
    }

    @PostMapping("/portal/{accountId}/link/{token}")
    String signIn(@PathVariable String accountId, @PathVariable String token, HttpServletRequest request,
        HttpServletResponse response) {
        var used = links.consume(PortalLinks.Kind.EMAIL, accountId, token);
        if (used.isEmpty() && PortalBuyerResolver.signedInTo(accountId)) {
            return "redirect:" + PortalPaths.overview(accountId);
        }
        return signIns.signInOrExpired(request, response, used.map(link -> new PortalBuyer(accountId, link
            .customerId(), PortalBuyer.Access.FULL)), null);
    }
}
