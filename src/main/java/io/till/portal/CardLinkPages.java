package io.till.portal;

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

    CardLinkPages(CardLinks cardLinks, PortalSignIns signIns) {
        this.cardLinks = cardLinks;
        this.signIns = signIns;
    }

    @GetMapping("/portal/{accountId}/card_link/{token}")
    String confirm(@PathVariable String accountId, @PathVariable String token, HttpServletResponse response,
        Model model) {
        if (cardLinks.check(accountId, token).isEmpty()) {
            return PortalSignIns.expired(response);
        }
        model.addAttribute("token", token);
        return "portal/card_link";
    }

    @PostMapping("/portal/{accountId}/card_link/{token}")
    String open(@PathVariable String accountId, @PathVariable String token, HttpServletRequest request,
        HttpServletResponse response) {
        return signIns.signInOrExpired(request, response, cardLinks.consume(accountId, token)
            .map(customerId -> new PortalBuyer(accountId, customerId, PortalBuyer.Access.CARDS_ONLY)), null);
    }
}
