package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Result of {@code guest-info}.
 *
 * @param version the agent's version
 * @param commands the commands the agent knows, with whether each is enabled
 */
public record GuestInfo(String version, List<SupportedCommand> commands) {

    /**
     * Keeps an unmodifiable copy of the command list.
     *
     * @param version the agent's version
     * @param commands the commands the agent knows
     */
    public GuestInfo {
        commands = List.copyOf(commands);
    }

    /**
     * One entry of {@code supported_commands}.
     *
     * @param name command name
     * @param enabled not blocked by the agent's configuration
     * @param successResponse false for commands that do not answer on success (guest-shutdown)
     */
    public record SupportedCommand(String name, boolean enabled, boolean successResponse) {
    }

    /**
     * Whether the agent can run a command (older agents lack some; an agent's configuration
     * can block others).
     *
     * @param command the command name, e.g. {@code guest-exec}
     * @return true if the agent has {@code command} and it is enabled
     */
    public boolean supports(String command) {
        return commands.stream().anyMatch(c -> c.name().equals(command) && c.enabled());
    }

    static GuestInfo from(JsonNode r) {
        List<SupportedCommand> commands = new ArrayList<>();
        r.path("supported_commands").forEach(c -> commands.add(new SupportedCommand(c.path("name").asText(),
                c.path("enabled").asBoolean(), c.path("success-response").asBoolean(true))));
        return new GuestInfo(r.path("version").asText(), commands);
    }
}
