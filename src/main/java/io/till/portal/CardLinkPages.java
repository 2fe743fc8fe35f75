package io.till.portal;

import io.till.customer.Customer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The card-update link of emails. As with magic links, opening it shows one button (mail scanners fetch every link in
 * an email, and a single-use link they fetched would be spent before the buyer clicks); the POST opens a session that
 * reaches the card page only.
 */
@Controller
class CardLinkPages {

    private final CardLinks cardLinks;
    private final PortalSignIns signIns;
    private final io.till.customer.Customers customers;

    CardLinkPages(CardLinks cardLinks, PortalSignIns signIns, io.till.customer.Customers customers) {
        this.cardLinks = cardLinks;
        this.signIns = signIns;
        this.customers = customers;
    }

    @GetMapping("/portal/{accountId}/card_link/{token}")
    String confirm(@PathVariable String accountId, @PathVariable String token, HttpServletResponse response,
        Model model) {
        var customerId = cardLinks.check(accountId, token);
        if (customerId.isEmpty()) {
            return PortalSignIns.expired(response);
        }
        if (PortalPages.signedInAsAnother(accountId, customerId.get())) {
            // Signed in as someone else: a link forwarded by another customer (or an attacker's own, sent to a buyer,
            // whose card would then pay the attacker's bills) must not swap accounts unnoticed, as a magic link does
            // not.
            return PortalPages.switchPage(model, "/portal/" + accountId + "/card_link/" + token,
                customers.find(accountId, customerId.get()));
        }
        model.addAttribute("token", token);
        // Whose cards the link opens, said before it does: a link forwarded by its customer (or sent by someone
        // to a buyer) would otherwise have a card added, and charged, for another's bills unnoticed.
        model.addAttribute("accountOf", customers.find(accountId, customerId.get()).map(Customer::email).orElse(""));
        return "portal/card_link";
    }

    @PostMapping("/portal/{accountId}/card_link/{token}")
    String open(@PathVariable String accountId, @PathVariable String token, HttpServletRequest request,
        HttpServletResponse response) {
        return signIns.signInOrExpired(request, response, cardLinks.consume(accountId, token)
            .map(customerId -> new PortalBuyer(accountId, customerId, PortalBuyer.Access.CARDS_ONLY)), null);
    }
}
