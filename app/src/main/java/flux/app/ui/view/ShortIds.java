package flux.app.ui.view;

import java.util.Map;

/**
 * The short forms of a page's request ids, as the CLI prints them: the shortest prefix no other
 * request id has ({@code History.abbreviations}, the one implementation both use), so an id read
 * on a page can be typed into {@code flux state request}. An id without one shows whole.
 */
public record ShortIds(Map<String, String> forms) {
    public ShortIds {
        forms = Map.copyOf(forms);
    }

    public String of(String requestId) {
        return requestId == null ? "" : forms.getOrDefault(requestId, requestId);
    }
}
