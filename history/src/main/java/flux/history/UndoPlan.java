package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * An undo of request {@code requestId}: its {@code steps} in the order they run, the later changes
 * they would overwrite ({@code conflicts}, the forced ones included), and, once applied, the id of
 * the undo's own request ({@code undoRequestId}, null for a dry run). {@code undoes} is set when the
 * undone request was itself an undo (of that request): undoing it redoes it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"request_id", "undoes", "applied", "undo_request_id", "steps", "conflicts"})
public record UndoPlan(@JsonProperty("request_id") String requestId, String undoes, boolean applied,
                       @JsonProperty("undo_request_id") String undoRequestId, List<UndoStep> steps,
                       List<UndoConflict> conflicts) {

    /** The conflicts nobody forced: an undo with any is refused. */
    public List<UndoConflict> unforced() {
        return conflicts.stream().filter(c -> !c.forced()).toList();
    }

    UndoPlan appliedAs(String undoRequest) {
        return new UndoPlan(requestId, undoes, true, undoRequest, steps, conflicts);
    }
}
