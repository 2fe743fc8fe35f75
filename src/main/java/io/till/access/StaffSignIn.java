package io.till.access;

import io.till.account.StaffUsers;
import io.till.shared.Caller;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Looks up the staff member signing in to the dashboard by email. */
@Component
class StaffSignIn implements UserDetailsService {

    private final StaffUsers staffUsers;

    StaffSignIn(StaffUsers staffUsers) {
        this.staffUsers = staffUsers;
    }

    @Override
    public UserDetails loadUserByUsername(String email) {
        return staffUsers.findByEmail(email)
            .map(StaffDetails::new)
            .orElseThrow(() -> new UsernameNotFoundException("no staff user with that email"));
    }

    /** A signed-in staff member; {@link #caller()} is what controllers see. */
    record StaffDetails(StaffUsers.StaffUser user) implements UserDetails, Caller.Source {

        @Override
        public Caller.Staff caller() {
            return new Caller.Staff(user.accountId(), user.id(), user.email());
        }

        /** Everyone on the staff has {@code ROLE_STAFF}; owners have {@code ROLE_OWNER} too. */
        @Override
        public List<? extends GrantedAuthority> getAuthorities() {
            return user.owner()
                ? List.of(new SimpleGrantedAuthority("ROLE_STAFF"), new SimpleGrantedAuthority("ROLE_OWNER"))
                : List.of(new SimpleGrantedAuthority("ROLE_STAFF"));
        }

        @Override
        public String getPassword() {
            return user.passwordHash();
        }

        @Override
        public String getUsername() {
            return user.email();
        }

        /** Without the password hash, which a record would print and debug logs would show. */
        @Override
        public String toString() {
            return "StaffDetails[" + user.email() + "]";
        }
    }
}
