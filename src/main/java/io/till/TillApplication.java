package io.till;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Till: billing records, automations and a customer portal for online sellers. */
@SpringBootApplication
public class TillApplication {

    public static void main(String[] args) {
        SpringApplication.run(TillApplication.class, args);
    }
}
