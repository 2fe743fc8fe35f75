package io.till.automation;

import io.till.automation.engine.Program;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Automation versions made ready to run. A version never changes once saved, so each is parsed once per node and
 * kept (the least recently used are dropped past a bound).
 */
@Component
class Programs {

    private static final int CAPACITY = 10_000;

    private final JdbcClient db;
    private final JsonMapper json;
    private final DefinitionParser parser;
    private final Map<String, Program> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Program> eldest) {
            return size() > CAPACITY;
        }
    });

    Programs(JdbcClient db, JsonMapper json, DefinitionParser parser) {
        this.db = db;
        this.json = json;
        this.parser = parser;
    }

    Program get(String automationId, int version) {
        Program program = cache.get(automationId + "@" + version);
        if (program != null) {
            return program;
        }
        String definition = db.sql("""
            SELECT definition FROM automation_versions WHERE automation_id = :id AND version = :version
            """)
            .param("id", automationId)
            .param("version", version)
            .query(String.class)
            .single();
        return of(automationId, version, json.readTree(definition));
    }

    /** The program of a version whose definition the caller has already read. */
    Program of(String automationId, int version, JsonNode definition) {
        return cache.computeIfAbsent(automationId + "@" + version, key -> Program.of(automationId, version,
            parser.parseSaved(definition)));
    }
}
