//! The host page: what the widget tells it leaves as DOM `CustomEvent`s named
//! `lapak:<event>`, with the event's fields as `detail`, dispatched on the
//! host element (or the window on Lapak's own page). They bubble and cross the
//! shadow boundary.
use crate::store::HostEvent;

/// Dispatches `event` on `target` for the host page to handle.
pub fn emit(target: &web_sys::EventTarget, event: &HostEvent) {
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
    init.set_composed(true);
    let event = web_sys::CustomEvent::new_with_event_init_dict(&format!("lapak:{name}"), &init);
    if let Ok(event) = event {
        let _ = target.dispatch_event(&event);
    }
}
