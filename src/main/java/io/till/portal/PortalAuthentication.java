package io.till.portal;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A request carrying a live portal session. Every session has {@code ROLE_PORTAL}; only a full one (not opened by a
 * card-update link) also has {@code ROLE_PORTAL_FULL}, which every page but the card page asks for.
 */
final class PortalAuthentication extends AbstractAuthenticationToken {

    static final String FULL = "PORTAL_FULL";

    private final transient PortalSessions.Session session;

    PortalAuthentication(PortalSessions.Session session) {
        super(session.buyer().access() == PortalBuyer.Access.FULL
            ? List.of(new SimpleGrantedAuthority("ROLE_PORTAL"), new SimpleGrantedAuthority("ROLE_" + FULL))
            : List.of(new SimpleGrantedAuthority("ROLE_PORTAL")));
        this.session = session;
        setAuthenticated(true);
    }

    PortalSessions.Session session() {
        return session;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public PortalBuyer getPrincipal() {
        return session.buyer();
    }
}
