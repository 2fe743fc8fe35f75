package io.till.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.account.Branding;
import org.junit.jupiter.api.Test;

/** The HTML part of a text email: a link into this Till's portal is the email's button; nothing else is. */
class EmailLayoutTest {

    private static final String TILL = "https://till.example";

    /** The text part of an HTML-only email keeps a table's cells apart, as its rows are. */
    @Test
    void theTextOfATableKeepsItsCellsApart() {
        String text = EmailLayout.htmlToText("<table><tr><td>Amount due</td><td>$10.00</td></tr>"
            + "<tr><th>Due</th><TD>Dec 1</TD></tr></table>");

        assertThat(text).isEqualTo("Amount due $10.00\nDue Dec 1");
    }

    @Test
    void aLinkIntoThisTillsPortalBecomesAButtonNamedForWhatItDoes() {
        String html = EmailLayout.textToHtml("Update your card here: " + TILL
            + "/portal/acct_01abc/card_link/tok_9z. Thank you.", Branding.NONE, TILL);

        assertThat(html).contains("<a href=\"" + TILL + "/portal/acct_01abc/card_link/tok_9z\"")
            .contains(">Update your card</a>").contains(". Thank you.");
    }

    @Test
    void thePortalsOwnAddressBecomesAnOpenYourAccountButtonInTheBrandColour() {
        var branding = new Branding(null, null, null, null, "#0f766e", null, null);
        String html = EmailLayout.textToHtml("Manage your membership here: " + TILL + "/portal/acct_01abc. Thanks!",
            branding, TILL);

        assertThat(html).contains("Manage your membership here: <br>\n<a href=\"" + TILL + "/portal/acct_01abc\"")
            .containsPattern("<a href=\"[^\"]+\" style=\"[^\"]*background:#0f766e[^\"]*\">Open your account</a>")
            .contains("</a>. Thanks!")
            .doesNotContain(">Update your card<", ">Sign in<");
    }

    /**
     * A buyer's name that holds a link with "/portal/" in it (another site's), or a seller's link to another
     * service's portal, stays a line of text: it became a branded "Update your card" button to wherever it pointed.
     */
    @Test
    void aLinkElsewhereWithPortalInItsPathStaysText() {
        String html = EmailLayout.textToHtml("New order from https://evil.example/portal/x/card_link/y and see "
            + "https://acme.atlassian.net/servicedesk/customer/portal/2", Branding.NONE, TILL);

        assertThat(html).doesNotContain("<a ").contains("https://evil.example/portal/x/card_link/y");
    }
}
