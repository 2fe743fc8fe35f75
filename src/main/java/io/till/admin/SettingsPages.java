package io.till.admin;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Settings: the index of the account's settings pages, each built in the feature it sets. */
@Controller
class SettingsPages {

    @GetMapping("/admin/settings")
    String index() {
        return "settings/index";
    }
}
