//! Server frames are folded into the store once per animation frame, not one
//! by one: under a flood of events the state is copied, patched and rendered
//! once per frame instead of once per event. Hidden tabs get no animation
//! frames, so a timer flushes too: one at a time, not one per frame (under a
//! flood that set sixty timers a second, nearly all of them finding nothing).
//! The session flushes before it says it closed. Closing the inbox (when the
//! widget's owner goes) cancels both callbacks: a frame or timer never reaches
//! the store of an unmounted widget.
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{
    request_animation_frame_with_handle, set_timeout_with_handle, AnimationFrameRequestHandle,
    TimeoutHandle,
};

use super::Deliver;
use crate::store::Msg;

/// Longest a frame waits when the page gets no animation frames.
const HIDDEN_FLUSH: Duration = Duration::from_millis(100);

/// Messages waiting for the next flush.
#[derive(Clone)]
pub struct Inbox {
    deliver: Deliver,
    waiting: Rc<RefCell<Vec<Msg>>>,
    /// The animation frame that will flush, if one is asked for.
    frame: Rc<Cell<Option<AnimationFrameRequestHandle>>>,
    /// The timer that will flush in case no animation frame comes, if one is set.
    timer: Rc<Cell<Option<TimeoutHandle>>>,
    /// Closed: the widget is gone, frames are dropped.
    closed: Rc<Cell<bool>>,
}

impl Inbox {
    /// An empty inbox that flushes into `deliver`.
    pub fn new(deliver: Deliver) -> Inbox {
        Inbox {
            deliver,
            waiting: Rc::default(),
            frame: Rc::default(),
            timer: Rc::default(),
            closed: Rc::default(),
        }
    }

    /// Drops what is waiting and cancels the pending frame and timer; later
    /// frames are dropped too.
    pub fn close(&self) {
        self.closed.set(true);
        self.waiting.borrow_mut().clear();
        if let Some(frame) = self.frame.take() {
            frame.cancel();
        }
        if let Some(timer) = self.timer.take() {
            timer.clear();
        }
    }

    /// Queues `msg` for the next flush, scheduling one if none is.
    pub fn push(&self, msg: Msg) {
        if self.closed.get() {
            return;
        }
        self.waiting.borrow_mut().push(msg);
        let frame = self.frame.take().or_else(|| {
            let on_frame = self.clone();
            request_animation_frame_with_handle(move || on_frame.flush()).ok()
        });
        self.frame.set(frame);
        let timer = self.timer.take().or_else(|| {
            let on_timer = self.clone();
            set_timeout_with_handle(
                move || {
                    on_timer.timer.set(None);
                    on_timer.flush();
                },
                HIDDEN_FLUSH,
            )
            .ok()
        });
        self.timer.set(timer);
    }

    /// Whether [`Inbox::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// Applies everything waiting, in arrival order, as one update.
    pub fn flush(&self) {
        if let Some(frame) = self.frame.take() {
            // Flushed by the timer or the session: the frame has nothing left to do.
            frame.cancel();
        }
        if self.closed.get() {
            return;
        }
        let batch = std::mem::take(&mut *self.waiting.borrow_mut());
        if !batch.is_empty() {
            (self.deliver)(batch);
        }
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use std::rc::Rc;

    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Longer than the hidden-tab timer and several animation frames.
    const SETTLE_MS: u32 = 300;

    #[wasm_bindgen_test]
    async fn a_closed_inbox_never_delivers_and_an_open_one_does() {
        let owner = Owner::new();
        owner.set();
        let delivered = Rc::new(RefCell::new(Vec::<Msg>::new()));
        let into = delivered.clone();
        let deliver: Deliver = Rc::new(move |batch| into.borrow_mut().extend(batch));

        let closed = Inbox::new(deliver.clone());
        closed.push(Msg::Closed { retry_in_ms: 5 });
        closed.close();
        closed.push(Msg::Closed { retry_in_ms: 6 });
        TimeoutFuture::new(SETTLE_MS).await;
        assert_eq!(*delivered.borrow(), Vec::new(), "nothing was delivered");

        let open = Inbox::new(deliver);
        open.push(Msg::Closed { retry_in_ms: 7 });
        TimeoutFuture::new(SETTLE_MS).await;
        assert_eq!(*delivered.borrow(), vec![Msg::Closed { retry_in_ms: 7 }]);
    }
}
