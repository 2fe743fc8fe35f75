package io.till.portal;

import io.till.shared.TillException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * All of a buyer's orders, payments and refunds, a page at a time, newest first: the overview shows only the newest
 * few, and seed 003 promises receipts "for any and all payments". Each list is read with the signed-in buyer's account
 * and customer (PortalHistory), so no address reaches anyone else's.
 */
@Controller
class PortalHistoryPages {

    /** Rows on a page of a list. */
    static final int PAGE_SIZE = 20;

    private final PortalHistory history;

    PortalHistoryPages(PortalHistory history) {
        this.history = history;
    }

    /**
     * Page {@code number} (from 1) of a list of {@code total} rows, {@code size} to a page. The first page always
     * exists, if empty.
     */
    record Paging(int number, int size, int total) {

        static Paging of(int number, int total) {
            var paging = new Paging(number, PAGE_SIZE, total);
            if (number < 1 || number > paging.last()) {
                // An address the pages never link to (a page cut off a list, or typed): not found, as for an id.
                throw TillException.notFound("page", String.valueOf(number));
            }
            return paging;
        }

        int offset() {
            return (number - 1) * size;
        }

        public int last() {
            return Math.max(1, (total + size - 1) / size);
        }

        public boolean hasPrevious() {
            return number > 1;
        }

        public boolean hasNext() {
            return number < last();
        }

        /** The position of the page's first row in the whole list, from 1. */
        public int from() {
            return offset() + 1;
        }

        public int to() {
            return Math.min(total, offset() + size);
        }
    }

    @GetMapping("/portal/{accountId}/orders")
    String orders(PortalBuyer buyer, @RequestParam(defaultValue = "1") int page, Model model) {
        var paging = Paging.of(page, history.counts(buyer).orders());
        model.addAttribute("rows", history.orders(buyer, paging.size(), paging.offset()));
        return list("orders", "Orders", paging, model);
    }

    @GetMapping("/portal/{accountId}/payments")
    String payments(PortalBuyer buyer, @RequestParam(defaultValue = "1") int page, Model model) {
        var paging = Paging.of(page, history.counts(buyer).payments());
        model.addAttribute("rows", history.payments(buyer, paging.size(), paging.offset()));
        return list("payments", "Payments", paging, model);
    }

    @GetMapping("/portal/{accountId}/refunds")
    String refunds(PortalBuyer buyer, @RequestParam(defaultValue = "1") int page, Model model) {
        var paging = Paging.of(page, history.counts(buyer).refunds());
        model.addAttribute("rows", history.refunds(buyer, paging.size(), paging.offset()));
        return list("refunds", "Refunds", paging, model);
    }

    private static String list(String kind, String heading, Paging paging, Model model) {
        model.addAttribute("kind", kind);
        model.addAttribute("heading", heading);
        model.addAttribute("paging", paging);
        return "portal/history";
    }
}
