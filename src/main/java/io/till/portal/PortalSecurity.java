package io.till.portal;

import io.till.access.BrowserHeaders;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.session.NullAuthenticatedSessionStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;

/**
 * The customer portal's door, between the API's and the dashboard's (see io.till.access.SecurityConfiguration). The
 * buyer is known only by the portal cookie ({@link PortalSessionFilter}); the servlet session the staff use is
 * neither read nor created here, so a staff sign-in opens no portal page. Sign-in pages are open; the card page, adding
 * a card and choosing one take any session; everything else (removing a card too) takes a full one, so a card-update
 * link's session reaches those and nothing else. Forms carry a CSRF token checked against a cookie of its own ({@link PortalCsrfTokens}), since there is no
 * server session to keep it in before sign-in.
 */
@Configuration(proxyBeanMethods = false)
class PortalSecurity {

    @Bean
    @Order(2)
    SecurityFilterChain portal(HttpSecurity http, PortalSessions sessions, PortalCookie cookie,
        PortalFraming framing) throws Exception {
        return http.securityMatcher("/portal/**")
            .authorizeHttpRequests(requests -> requests
                .requestMatchers("/portal/assets/**", "/portal/*", "/portal/*/link/*", "/portal/*/session/*",
                    "/portal/*/card_link/*", "/portal/*/sign_out", "/portal/*/refused", "/portal/*/brand.css",
                    "/portal/*/logo", "/portal/*/icon")
                .permitAll()
                // A card-update link's session adds a card and chooses it (README, issue 11); removing one, like
                // everything else, takes a full session.
                .requestMatchers("/portal/*/cards", "/portal/*/cards/new", "/portal/*/cards/setup",
                    "/portal/*/cards/choose", "/portal/*/cards/outcome")
                .hasRole("PORTAL")
                .anyRequest().hasRole(PortalAuthentication.FULL))
            .addFilterBefore(new PortalSessionFilter(sessions, cookie), AnonymousAuthenticationFilter.class)
            .securityContext(
                context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            // Every request is signed in afresh from the cookie, which Spring Security takes for a new sign-in; its
            // default would then clear the CSRF cookie on each one, and the page's brand.css request left every form
            // of the page without its token in a real browser.
            .csrf(csrf -> csrf.csrfTokenRepository(new PortalCsrfTokens(cookie))
                .sessionAuthenticationStrategy(new NullAuthenticatedSessionStrategy()))
            .exceptionHandling(exceptions -> exceptions
                .authenticationEntryPoint((request, response, e) -> toSignIn(request, response, cookie))
                .accessDeniedHandler(PortalSecurity::denied))
            .headers(BrowserHeaders.framedBy(framing::frameAncestors))
            .requestCache(AbstractHttpConfigurer::disable)
            .httpBasic(AbstractHttpConfigurer::disable)
            .formLogin(AbstractHttpConfigurer::disable)
            .logout(AbstractHttpConfigurer::disable)
            .build();
    }

    /**
     * Not signed in (or signed in at another account): the account's sign-in page. A buyer whose session ended (the
     * cookie is still there, its session is not) is told so there, once: the stale cookie goes with that answer, and
     * what they asked for, a page or a form, did nothing.
     */
    private static void toSignIn(HttpServletRequest request, HttpServletResponse response, PortalCookie cookie)
        throws IOException {
        var accountId = PortalPaths.accountId(request);
        if (accountId.isEmpty()) {
            response.sendError(HttpStatus.NOT_FOUND.value());
            return;
        }
        if (request.getAttribute(PortalSessionFilter.ENDED) != null) {
            cookie.clear(request, response, accountId.get());
            response.sendRedirect(PortalPaths.signIn(accountId.get()) + "?expired");
            return;
        }
        response.sendRedirect(PortalPaths.signIn(accountId.get()));
    }

    /**
     * A form without its CSRF token gets a page saying to reload; a card-update session asking for any other page
     * gets the sign-in page, which says that seeing more takes an email link.
     */
    private static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
        throws IOException, ServletException {
        var accountId = PortalPaths.accountId(request);
        if (accountId.isEmpty()) {
            response.sendError(HttpStatus.FORBIDDEN.value());
        } else if (e instanceof CsrfException) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            request.getRequestDispatcher("/portal/" + accountId.get() + "/refused").forward(request, response);
        } else {
            response.sendRedirect(PortalPaths.signIn(accountId.get()) + "?cards_only");
        }
    }
}
