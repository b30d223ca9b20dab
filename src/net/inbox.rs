//! Server frames are folded into the store once per animation frame, not one
//! by one: under a flood of events the state is copied, patched and rendered
//! once per frame instead of once per event. Hidden tabs get no animation
//! frames, so a timer flushes too: one at a time, not one per frame (under a
//! flood that set sixty timers a second, nearly all of them finding nothing).
//! The session flushes before it says it closed.
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{request_animation_frame, set_timeout};

use crate::actions::Actions;
use crate::store::Msg;

/// Longest a frame waits when the page gets no animation frames.
const HIDDEN_FLUSH: Duration = Duration::from_millis(100);

/// Messages waiting for the next flush.
#[derive(Clone)]
pub struct Inbox {
    actions: Actions,
    waiting: Rc<RefCell<Vec<Msg>>>,
    /// An animation frame will flush.
    scheduled: Rc<Cell<bool>>,
    /// A timer will flush, in case no animation frame comes.
    timer_set: Rc<Cell<bool>>,
}

impl Inbox {
    /// An empty inbox that flushes into `actions`.
    pub fn new(actions: Actions) -> Inbox {
        Inbox {
            actions,
            waiting: Rc::default(),
            scheduled: Rc::default(),
            timer_set: Rc::default(),
        }
    }

    /// Queues `msg` for the next flush, scheduling one if none is.
    pub fn push(&self, msg: Msg) {
        self.waiting.borrow_mut().push(msg);
        if !self.scheduled.replace(true) {
            let on_frame = self.clone();
            request_animation_frame(move || on_frame.flush());
        }
        if !self.timer_set.replace(true) {
            let on_timer = self.clone();
            set_timeout(
                move || {
                    on_timer.timer_set.set(false);
                    on_timer.flush();
                },
                HIDDEN_FLUSH,
            );
        }
    }

    /// Applies everything waiting, in arrival order, as one update.
    pub fn flush(&self) {
        self.scheduled.set(false);
        let batch = std::mem::take(&mut *self.waiting.borrow_mut());
        if !batch.is_empty() {
            self.actions.dispatch_all(batch);
        }
    }
}
