//! The host page, in host-cart mode: cart intents leave the widget as DOM
//! `CustomEvent`s named `lapak:<event>`, with the event's fields as `detail`.
use crate::store::HostEvent;

/// Dispatches `event` on the window for the host page to handle.
pub fn emit(event: &HostEvent) {
    let json = serde_json::to_string(event).expect("host events always serialize");
    let Ok(detail) = js_sys::JSON::parse(&json) else {
        return;
    };
    let name = js_sys::Reflect::get(&detail, &"event".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    init.set_bubbles(true);
    let event = web_sys::CustomEvent::new_with_event_init_dict(&format!("lapak:{name}"), &init);
    if let (Some(window), Ok(event)) = (web_sys::window(), event) {
        let _ = window.dispatch_event(&event);
    }
}
