package adminpage

import (
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
)

// Paths of the decision forms: /requests/{id}/approve and
// /requests/{id}/deny.
const (
	requestsPath = "/requests/"
	approvePath  = "/approve"
	denyPath     = "/deny"
	maxRequestID = 64
)

// validRequestID reports whether id could be a request id: ids come
// from links and paths, so only plain characters pass.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	return strings.IndexFunc(id, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')
	}) < 0
}

// serveApprove records the admin's approval of request id, narrowed as
// the form says.
func (h *Handler) serveApprove(w http.ResponseWriter, r *http.Request, id string) {
	a, req, ok := h.decidable(w, r, id)
	if !ok {
		return
	}
	d, err := h.decision(a, req, r.PostForm)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	done, err := h.d.Requests.Approve(r.Context(), a.session.Tenant, id, d)
	if err != nil {
		h.requestRefused(w, r, id, err)
		return
	}
	switch {
	case done.State != request.Approved:
		h.done(w, r, "approval")
	case done.Extension:
		h.notifyGrant(r, done, grant.EventExtended)
		h.done(w, r, "extended")
	default:
		h.notifyGrant(r, done, grant.EventCreated)
		h.done(w, r, "approved")
	}
}

// serveDeny ends request id as denied by the admin, with the optional
// message to the agent.
func (h *Handler) serveDeny(w http.ResponseWriter, r *http.Request, id string) {
	a, _, ok := h.decidable(w, r, id)
	if !ok {
		return
	}
	fields, err := single(r.PostForm, "message")
	if err != nil {
		h.failed(w, r, err)
		return
	}
	d := request.Decision{By: a.actor, Message: fields["message"]}
	if _, err := h.d.Requests.Deny(r.Context(), a.session.Tenant, id, d); err != nil {
		h.requestRefused(w, r, id, err)
		return
	}
	h.done(w, r, "denied")
}

// decidable checks a decision form and returns its admin and request id
// of the session's tenant, or answers why the admin cannot decide it
// now. The service checks all of it again as it decides.
func (h *Handler) decidable(w http.ResponseWriter, r *http.Request, id string) (*admin, request.Request, bool) {
	a, ok := h.form(w, r)
	if !ok {
		return nil, request.Request{}, false
	}
	req, err := h.d.Requests.Get(r.Context(), id)
	if problem.As(err).Kind == problem.NotFound || err == nil && req.Tenant != a.session.Tenant {
		err = requestNotFound() // another tenant's is not theirs to see
	}
	if err == nil {
		err = h.refusal(req, a)
	}
	if err != nil {
		h.requestRefused(w, r, id, err)
		return nil, request.Request{}, false
	}
	return a, req, true
}

// refusal is why admin a may not decide req now, naming who ended it;
// nil when they may.
func (h *Handler) refusal(req request.Request, a *admin) error {
	switch {
	case req.StatusAt(h.d.Requests.Now()) == request.Expired:
		return problem.New(problem.Conflict, "request_expired",
			"nobody decided this access request by %s, so it expired; the agent may ask again", at(req.ExpiresAt))
	case req.State != request.Pending:
		return problem.New(problem.Conflict, "request_"+req.State,
			"this access request was already %s%s", req.State, decidedWords(req))
	case request.Own(req, a.actor):
		return problem.New(problem.Forbidden, "own_request", "you asked for this access yourself; another admin must decide")
	case req.ApprovedBy(a.actor.ID):
		return problem.New(problem.Conflict, "already_approved",
			"you approved this access request already; %s", moreApprovals(req))
	}
	return nil
}

func requestNotFound() error {
	return problem.New(problem.NotFound, "request_not_found", "there is no such access request for your tenant")
}

// requestTitles are the titles of the pages that refuse a decision.
var requestTitles = map[string]string{
	"request_not_found": "Access request not found",
	"own_request":       "Not your decision",
	"already_approved":  "Already approved",
	"request_approved":  "Already decided",
	"request_denied":    "Already decided",
	"request_expired":   "Access request expired",
}

// requestRefused shows why a decision was not made; anything else is
// shown as any failure is.
func (h *Handler) requestRefused(w http.ResponseWriter, r *http.Request, id string, err error) {
	p := problem.As(err)
	title, ok := requestTitles[p.Code]
	if !ok {
		h.failed(w, r, err)
		return
	}
	pages.RenderError(w, pages.Error{Status: problem.Status(err), Title: title, Message: sentence(p.Message) + " Nothing was changed.",
		Links: []pages.Link{{Label: "Back to Support Access", URL: h.base + "?request=" + id + "#request-" + id}}})
}

// notifyGrant tells the notifier of the grant an approval created or
// extended. The decision stands whatever happens here.
func (h *Handler) notifyGrant(r *http.Request, done request.Request, event string) {
	if h.d.Notify == nil {
		return
	}
	g, err := h.d.Grants.Get(r.Context(), done.Tenant, done.Granted)
	if err != nil {
		h.d.Logger.Warn("support access page: reading the approved grant to notify", zap.String("request", done.ID), zap.Error(err))
		return
	}
	h.notify(r, g.Tenant, event, g)
}
