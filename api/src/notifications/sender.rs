//! What a notification says as a WeChat subscribe message: progress updates and check-in
//! reminders, each with the template and page the mini program registered (`[notifications]`),
//! sent through the state's subscribe-message client.

use serde_json::{Value, json};

use crate::config::NotificationSettings;
use crate::infra::wechat_subscribe::{SendError, SubscribeClient, SubscribeMessage};
use crate::notifications::outbox::CHECKIN_REMINDER;
use crate::state::AppState;

pub struct SubscribeSender<'a> {
    client: &'a SubscribeClient,
    settings: &'a NotificationSettings,
}

impl<'a> SubscribeSender<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self { client: &state.wechat_subscribe, settings: &state.settings.notifications }
    }

    /// Whether WeChat credentials are there; without them notifications stay queued.
    pub fn is_configured(&self) -> bool {
        self.client.is_configured()
    }

    /// Sends one message of `template` (`progress` or `checkin_reminder`) to `openid` about
    /// `application_id`.
    pub async fn send(
        &self,
        openid: &str,
        template: &str,
        application_id: uuid::Uuid,
        payload: &Value,
    ) -> Result<(), SendError> {
        let settings = self.settings;
        let (template_id, page) = if template == CHECKIN_REMINDER {
            (&settings.checkin_template_id, &settings.checkin_page)
        } else {
            (&settings.template_id, &settings.page)
        };
        let text = |key: &str, max: usize| {
            let value = payload.get(key).and_then(Value::as_str).unwrap_or("-");
            json!({ "value": value.chars().take(max).collect::<String>() })
        };
        let message = SubscribeMessage {
            openid,
            template_id,
            page: &page.replace("{id}", &application_id.to_string()),
            data: json!({
                "character_string1": text("number", 32),
                "phrase2": text("status_name", 5),
                "time3": text("at", 20),
            }),
        };
        self.client.send(&message).await
    }
}
