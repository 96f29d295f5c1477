package stagecraft

// LinkService stores share links and what their viewers do.
type LinkService interface{}
