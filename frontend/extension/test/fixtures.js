// Compose windows shaped like Gmail's and Outlook on the web's, reduced to
// the parts the content script reads. The browser tests load the same
// markup (e2e/fixtures).
export const gmail = `
<div role="dialog" class="nH Hd" aria-label="New Message">
  <div class="aoD hl">
    <div name="to" class="aH9">
      <div class="afV" data-hovercard-id="cio@northwind.example"><span email="cio@northwind.example" name="Nia CIO">Nia CIO</span></div>
      <div class="afV" data-hovercard-id="Ops@Northwind.example"><span email="Ops@Northwind.example">ops</span></div>
      <input aria-label="To recipients" name="to" class="agP aFw" value="">
    </div>
  </div>
  <div class="aoD az6"><input name="subjectbox" placeholder="Subject" value="Security review"></div>
  <div class="Ar Au"><div id=":m1" class="Am Al editable LW-avf" contenteditable="true" role="textbox" aria-label="Message Body" aria-multiline="true" g_editable="true"><div>Hi Nia,</div><div>Here is the guide: </div></div></div>
  <table><tr class="btC"><td><div role="button" class="T-I J-J5-Ji aoO" data-tooltip="Send ‪(Ctrl-Enter)‬" aria-label="Send ‪(Ctrl-Enter)‬">Send</div></td></tr></table>
</div>`;

export const outlook = `
<div class="compose" role="region" aria-label="Compose">
  <div aria-label="To" role="textbox" class="recipients">
    <span class="pill"><span>Contoso CIO</span><span class="hidden" title="cio@contoso.example">cio@contoso.example</span></span>
    <input aria-label="To" type="text" value="buyer@contoso.example;">
  </div>
  <div aria-label="Cc" role="textbox"><span title="cc@contoso.example">CC</span></div>
  <input aria-label="Add a subject" value="Proposal">
  <div contenteditable="true" role="textbox" aria-label="Message body, press Alt+F10 to exit" aria-multiline="true"><div>Hello,</div><div><br></div></div>
  <div class="toolbar"><button aria-label="Send" title="Send (Ctrl+Enter)">Send</button><button aria-label="Discard">Discard</button></div>
</div>`;
