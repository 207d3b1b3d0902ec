package pages

// AdminOpen is the page a Support Access link shows before it opens:
// who it is for, and one Continue button. Showing it changes nothing,
// so a mail scanner fetching the link spends nothing.
type AdminOpen struct {
	Tenant string
	// Admin names who the link is for.
	Admin string
	// Until is when the link stops working.
	Until string
	// Action is where the Continue form posts; Token is the link's token,
	// which the POST carries as its proof.
	Action string
	Token  string
}
