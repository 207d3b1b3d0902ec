// Package email tells a tenant's admins about support access by email:
// Render turns an event (a grant created, revoked, about to expire or
// expired) into a Message with a plain-text and an HTML body, and a Sender
// delivers it through an SMTP server, one connection per message, with
// errors that say whether a retry can help (IsPermanent). Queueing and
// retrying belong to the caller.
package email
