package caddymodule

import (
	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/instance"
)

// unmarshalWebhook parses
//
//	webhook <url> {
//		secret <whsec_...>
//	}
//
// It may be repeated, one line per receiver. The secret is never echoed
// in an error.
func (a *App) unmarshalWebhook(d *caddyfile.Dispenser) error {
	if !d.NextArg() {
		return d.Err("webhook needs the URL that receives the events, such as https://app.internal/hooks/lockbox")
	}
	w := Webhook{URL: d.Val()}
	if d.NextArg() {
		return d.Err("webhook takes exactly one URL, then a block with its secret")
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		if err := w.unmarshalLine(d); err != nil {
			return err
		}
	}
	if w.Secret == "" {
		return d.Err("webhook needs a block with its signing secret: webhook <url> { secret <whsec_...> }")
	}
	if !hasPlaceholder(w.URL) && !hasPlaceholder(w.Secret) {
		if _, err := (instance.Webhook{URL: w.URL, Secret: w.Secret}).Endpoint(len(a.Webhooks)); err != nil {
			return d.Err(err.Error())
		}
	}
	a.Webhooks = append(a.Webhooks, w)
	return nil
}

// unmarshalLine parses one line of a webhook block.
func (w *Webhook) unmarshalLine(d *caddyfile.Dispenser) error {
	if word := d.Val(); word != "secret" {
		return d.Errf("unknown webhook option %q: a webhook block takes secret", clip(word))
	}
	if w.Secret != "" {
		return d.Err("webhook secret is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("webhook secret needs a value: whsec_ and base64, such as {env.LOCKBOX_WEBHOOK_SECRET}")
	}
	w.Secret = d.Val()
	if d.NextArg() {
		return d.Err("webhook secret takes exactly one value")
	}
	return noBlock(d, "secret")
}

// unmarshalNotifyBackoff parses
//
//	notify_backoff <duration...>
//
// the delays after each failed delivery of a webhook or email, the last
// repeating.
func (a *App) unmarshalNotifyBackoff(d *caddyfile.Dispenser) error {
	if len(a.NotifyBackoff) > 0 {
		return d.Err("notify_backoff is already set; give it once")
	}
	words := d.RemainingArgs()
	if len(words) == 0 {
		return d.Err("notify_backoff needs the delays between delivery attempts, such as 5s 30s 2m 10m 1h")
	}
	for _, w := range words {
		v, err := caddy.ParseDuration(w)
		if err != nil || v <= 0 {
			return d.Errf("notify_backoff %q is not a positive duration such as 30s", clip(w))
		}
		a.NotifyBackoff = append(a.NotifyBackoff, caddy.Duration(v))
	}
	return noBlock(d, "notify_backoff")
}
