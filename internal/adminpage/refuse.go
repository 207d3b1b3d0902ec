package adminpage

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// askAgain is how an admin gets back in: links come from the app.
const askAgain = "Open Support Access again from your account settings in the app to get a new link."

func (h *Handler) back() []pages.Link {
	return []pages.Link{{Label: "Back to Support Access", URL: h.base}}
}

// sessionEnded answers a request with no live admin session: the link's
// session expired, was signed out, or never was.
func (h *Handler) sessionEnded(w http.ResponseWriter) {
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "Your Support Access link has expired",
		Message: "This page needs a fresh link. " + askAgain})
}

// badLink answers a link that did not open.
func (h *Handler) badLink(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, adminlink.ErrExpired):
		pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "Your Support Access link has expired",
			Message: "Links work for a limited time. " + askAgain})
	case errors.Is(err, adminlink.ErrInvalid):
		pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "This Support Access link is not valid",
			Message: "The link may be incomplete or altered; copy the whole link, or get a new one. " + askAgain})
	case errors.Is(err, adminlink.ErrInsecure):
		pages.RenderError(w, pages.Error{Status: http.StatusBadRequest, Title: "Support Access needs HTTPS",
			Message: sentence(problem.As(err).Message)})
	default:
		h.failed(w, r, err)
	}
}

// formRefused answers a form that did not come from this page in this
// session.
func (h *Handler) formRefused(w http.ResponseWriter) {
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "Form refused",
		Message: "This form did not come from your Support Access page, or the page is out of date. Nothing was changed. Reload the page and try again.",
		Links:   h.back()})
}

// otherTenant answers a form made for another tenant than the session's.
func (h *Handler) otherTenant(w http.ResponseWriter, tenantID string) {
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "Another tenant",
		Message: "This form was for another tenant than " + tenantID + ", the one your Support Access session is for. Nothing was changed.",
		Links:   h.back()})
}

// failed shows a problem, logging the cause when the fault is ours.
func (h *Handler) failed(w http.ResponseWriter, r *http.Request, err error) {
	e := h.problemPage(r, err)
	if e.Status >= http.StatusInternalServerError {
		p := problem.As(err)
		h.d.Logger.Error("support access page failed", zap.String("method", r.Method), zap.String("path", r.URL.Path),
			zap.Int("status", e.Status), zap.String("code", p.Code), zap.NamedError("cause", p.Cause))
	}
	pages.RenderError(w, e)
}

// problemPage says what went wrong: refusals and bad input with their
// own plain message, store outages and bugs without internal detail.
func (h *Handler) problemPage(r *http.Request, err error) pages.Error {
	p := problem.As(err)
	e := pages.Error{Status: problem.Status(err), Title: "Not done", Message: sentence(p.Message), Links: h.back()}
	switch p.Kind {
	case problem.Forbidden:
		e.Title, e.Links = "Not allowed", nil
	case problem.Invalid:
		e.Title = "This link is not valid"
		if r.Method == http.MethodPost {
			e.Title = "Please check the form"
		}
	case problem.Unavailable:
		e.Title, e.Message = "Support Access is unavailable", "Lockbox cannot reach its store right now. Nothing was changed. Try again in a minute."
	case problem.NotFound, problem.Conflict:
	default:
		e.Title, e.Message = "Something went wrong", "Lockbox could not complete this. Nothing was shown or changed. Try again in a minute."
	}
	return e
}

func (h *Handler) notFound(w http.ResponseWriter) {
	pages.RenderError(w, pages.Error{Status: http.StatusNotFound, Title: "Not found", Message: "There is no such Support Access page.", Links: h.back()})
}

func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request, method string) {
	allow := method
	if method == http.MethodGet {
		allow += ", " + http.MethodHead
	}
	w.Header().Set("Allow", allow)
	pages.RenderError(w, pages.Error{Status: http.StatusMethodNotAllowed, Title: "Method not allowed",
		Message: "This Support Access page does not take " + r.Method + " requests.", Links: h.back()})
}

// sentence makes a problem's message, written to be embedded ("tenant x
// has no grant"), read as a sentence on its own.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	first, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(first)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
