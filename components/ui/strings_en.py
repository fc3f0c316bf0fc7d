"""English user-facing texts, keyed by stable ids (placeholders in ``{braces}``)."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    # App frame
    "app.title": "Identity verification",
    "app.demo_label": (
        "Demo mode: nothing is really verified. The checks run against a built-in Vlens "
        "simulator with made-up data."
    ),
    "app.config_error": (
        "The verification service is not set up correctly ({detail}). Please contact support; "
        "nothing has been sent."
    ),
    "app.switch_language": "العربية",
    "app.progress": "{current} · {step} of {total}",
    "nav.language": "Language",
    "nav.consent": "Consent",
    "nav.capture": "Photos",
    "nav.review": "Review",
    "nav.results": "Result",
    "common.back": "Back",
    "common.yes": "Yes",
    "common.no": "No",
    # Language
    "language.title": "Choose your language",
    "language.intro": "You can change it later with the language button at the top of each page.",
    "language.english": "English",
    "language.arabic": "العربية",
    # Consent
    "consent.title": "Before we start",
    "consent.intro": "To confirm your identity we need:",
    "consent.item_front": "a photo of the front of your national ID card",
    "consent.item_back": "a photo of the back of your national ID card",
    "consent.item_face": (
        "three photos of your face taken a split second apart, to check that you are really "
        "there"
    ),
    "consent.where": (
        "These photos are sent to Vlens, our identity-verification provider. Vlens reads the "
        "card, checks it with the official records and compares your face with the photo on "
        "the card."
    ),
    "consent.keep": (
        "This app keeps nothing after your session: photos and results stay in memory only and "
        "are gone when you close the page or press “Delete my data now”."
    ),
    "consent.camera": (
        "Your browser will ask for access to the camera. If you cannot use a camera, you can "
        "upload photos and a short selfie video instead."
    ),
    "consent.checkbox": (
        "I agree that photos of my ID card and my face are sent to Vlens to verify my identity."
    ),
    "consent.continue": "Continue",
    "consent.required": "Please tick the box above to continue.",
    "consent.deleted": "Your photos and results have been deleted from this session.",
    "consent.missing": "Please read and accept the consent first.",
    "consent.go": "Go to consent",
    # Steps
    "step.id_front.name": "front of your ID",
    "step.id_back.name": "back of your ID",
    "step.face.name": "your face",
    "step.id_front.label": "ID front",
    "step.id_back.label": "ID back",
    "step.face.label": "Face",
    "step.id_front.instructions": (
        "Hold the front of your card (the side with your photo) inside the frame. Keep it flat "
        "and still: the photo is taken automatically."
    ),
    "step.id_back.instructions": (
        "Turn the card over and hold the back inside the frame, flat and still."
    ),
    "step.face.instructions": (
        "Look straight at the camera with your face inside the oval. We take three photos in "
        "under half a second."
    ),
    # Capture
    "capture.title": "Take your photos",
    "capture.step_heading": "Step {index} of {total}: {name}",
    "capture.camera_help": (
        "Press Start and allow camera access. If the camera does not start (no camera, access "
        "denied, or a browser that does not support it), use “Upload instead” below."
    ),
    "capture.hint_heading": "Guidance",
    "capture.face_progress": "Face photos: {count} of 3",
    "capture.manual_offered": (
        "Having trouble? You can take the photo now. We will note that the automatic quality "
        "checks were skipped."
    ),
    "capture.manual_button": "Take photo now",
    "capture.no_picture": (
        "The camera is on but no picture reaches us. Check your internet connection, press Stop "
        "and Start again, or use “Upload instead” below."
    ),
    "capture.done": "All photos are taken.",
    "capture.review_button": "Review photos",
    "capture.checklist_done": "{name}: done",
    "capture.checklist_todo": "{name}: to do",
    "webrtc.start": "Start",
    "webrtc.stop": "Stop",
    "webrtc.select_device": "Select camera",
    "webrtc.ask_permission": "Please allow this page to use your camera.",
    "webrtc.not_available": "No camera was found. Use “Upload instead” below.",
    "webrtc.access_denied": (
        "Camera access was denied. Allow it in your browser settings, or use “Upload instead” "
        "below."
    ),
    "webrtc.api_not_available": (
        "This browser cannot use the camera here. Use “Upload instead” below, or open the page "
        "in an up-to-date Chrome, Safari or Firefox."
    ),
    # Upload fallback
    "upload.expander": "Upload instead (no camera, or the camera does not work)",
    "upload.intro": (
        "Upload clear photos of both sides of your card, and a short selfie video (3 to 5 "
        "seconds, only your face, looking at the camera, in good light)."
    ),
    "upload.front_label": "Photo of the front of your ID",
    "upload.back_label": "Photo of the back of your ID",
    "upload.face_label": "Short selfie video",
    "upload.added": "{name} added.",
    "upload.card_not_found": (
        "We could not find the edges of the card in this photo. It will still be sent, but for "
        "best results photograph the whole card on a plain, dark background."
    ),
    "upload.video_working": "Looking for your face in the video…",
    "upload.video_ok": "Three face photos were taken from your video.",
    "upload.video_failed": (
        "We could not take three clear face photos from this video. What we saw: {hint} "
        "Record again in good light, holding the phone at arm's length."
    ),
    # Refusals naming the accepted formats (components/ui/upload.py fills in {formats}).
    "upload.image_refused": (
        "This file could not be used as a photo. Please upload a {formats} photo under 25 "
        "megapixels."
    ),
    "upload.video_refused": (
        "This video could not be read. Please upload a video in one of these formats: {formats}."
    ),
    "upload.formats": "{most} or {last}",
    "upload.formats_separator": ", ",
    # Capture hints (one per capture engine Hint code)
    "hint.starting": "Starting the camera…",
    "hint.no_face": "We can't see a face. Look straight at the camera.",
    "hint.several_faces": "Only one face please: make sure nobody else is in the picture.",
    "hint.move_closer": "Move a little closer.",
    "hint.move_back": "Move back a little.",
    "hint.centre_face": "Centre your face inside the oval.",
    "hint.too_dark": "It's too dark. Find more light or face a window.",
    "hint.too_bright": "Too bright. Move away from direct light.",
    "hint.blurry": "The picture is blurred. Hold still and wipe the camera lens.",
    "hint.hold_still": "Hold still…",
    "hint.glare": "There is glare on the card. Tilt it slightly away from the light.",
    "hint.no_card": "Hold your ID card inside the frame.",
    "hint.card_too_small": "Bring the card closer so it fills the frame.",
    "hint.card_too_big": "Move the card back a little so all four corners are visible.",
    "hint.card_not_flat": "Hold the card flat, facing the camera.",
    "hint.turn_card_over": "Turn the card over: we need the other side.",
    "hint.face_photo": "That looks like a photo. Show your own face to the camera.",
    "hint.camera_frozen": (
        "The picture is not changing. Check that the camera is on and not covered, or use "
        "“Upload instead” below."
    ),
    "hint.frame_too_large": (
        "Your camera sends a picture too large to check here. Choose another camera with "
        "“Select camera”, or use “Upload instead” below."
    ),
    "hint.captured": "Got it!",
    "hint.done": "All photos are taken.",
    # Review
    "review.title": "Check your photos",
    "review.intro": (
        "These images will be sent to Vlens. Retake any that are blurred, cut off or show glare."
    ),
    "review.nothing": "No photos have been taken yet.",
    "review.go_capture": "Go to the camera",
    "review.missing": "Missing: {name}.",
    "review.capture_missing": "Take the missing photos",
    "review.details": "{size} · {width}×{height} px",
    "review.face_timing": "{count} frames in {seconds} s",
    "review.source_camera": "From the camera",
    "review.source_upload": "Uploaded",
    "review.overridden": "Taken manually: the automatic quality checks were skipped.",
    "review.retake": "Retake {label}",
    "review.submit": "Send for verification",
    "review.status_running": "Verifying your identity…",
    "review.status_done": "Verification finished",
    "review.status_failed": "Verification could not be completed",
    "review.step_started": "{name}: sending…",
    "review.step_finished": "{name}: done",
    "review.step_reused": "{name}: already accepted, not sent again",
    "review.step_checks_failed": "some checks did not pass",
    "review.step_error": "{name}: {message}",
    "review.demo_scenario": "Demo: what should the simulator answer?",
    "review.demo_scenario_help": (
        "Only in demo mode: choose the answer the built-in simulator gives, to show what "
        "customers see. The verdict it leads to is in brackets."
    ),
    "demo_scenario.verified": "Every check passes (Verified)",
    "demo_scenario.spoof": "A photo or mask instead of a live face (Not verified)",
    "demo_scenario.aml_match": "Compliance screening asks for a closer look (Needs review)",
    "demo_scenario.src_invalid": "The official record does not confirm the ID (Needs review)",
    "demo_scenario.authority_unverified": (
        "The authority does not confirm the identity (Not verified)"
    ),
    "demo_scenario.validation_error": "A date on the ID looks wrong (Needs review)",
    "demo_scenario.no_face": "No face found in the selfie (Not verified)",
    "demo_scenario.card_not_detected": "No ID card found in the photo (Not verified)",
    "demo_scenario.bundle_needs_recharge": "The service bundle is used up (Could not complete)",
    "demo_scenario.service_outage": (
        "The service is briefly down; trying again works (Could not complete)"
    ),
    "demo_scenario.slow": "A slow service, about 2 s per request (Verified)",
    "api_step.id_front": "Reading the front of your ID",
    "api_step.id_back": "Reading the back of your ID",
    "api_step.liveness": "Checking your face",
    # Results: verdict
    "results.title": "Your result",
    "results.none": "No verification has been run yet.",
    "verdict.verified.title": "Verified",
    "verdict.verified.body": "Your identity has been verified. You can close this page.",
    "verdict.not_verified.title": "Not verified",
    "verdict.not_verified.body": (
        "We could not verify your identity with these photos. The checks below say why and what "
        "to do next."
    ),
    "verdict.needs_review.title": "Needs review",
    "verdict.needs_review.body": (
        "Your application needs a manual review by our team. You don't need to do anything now."
    ),
    "verdict.incomplete.title": "Could not complete",
    "verdict.incomplete.support": (
        "The verification could not be completed, and sending the same photos again will not "
        "help. Please contact support."
    ),
    "verdict.incomplete.body": (
        "The verification could not be completed. Your photos are kept for this session, so you "
        "can retry without taking them again."
    ),
    "results.transaction": "Transaction id:\n{id}",
    "results.what_it_means": "What this checks",
    "results.what_happened": "What happened",
    "results.next_step": "Next step",
    "results.nothing_to_do": "Nothing to do.",
    "results.retake": "Retake {label}",
    "results.error_code": "Code {code}",
    # Failures outside the API envelope
    "failure.network": (
        "We could not reach the verification service. Check your internet connection, then "
        "press “Retry submission”: your photos are kept."
    ),
    "failure.timeout": (
        "The verification service took too long to answer. Press “Retry submission” to try again "
        "with the same photos."
    ),
    "failure.auth": (
        "The verification service did not accept this app's credentials. Please contact support."
    ),
    "failure.service": (
        "The verification service had a problem. Press “Retry submission” to try again with "
        "the same photos."
    ),
    "failure.config": "The verification service is not set up correctly. Please contact support.",
    "failure.unknown": "Something went wrong. Press “Retry submission” to try again.",
    "failure.possibly_billed": (
        "Your photos may already have been received before the connection broke. “Retry "
        "submission” sends the very same photos again; you don't need to take new ones."
    ),
    # Service cards
    "card.spoofing.title": "Real person and real card",
    "card.spoofing.means": (
        "Checks that the camera saw a real person and a real card, not a photo of a photo, a "
        "screen or a mask."
    ),
    "card.spoofing.pass": "No sign of a printed photo, screen or mask.",
    "card.spoofing.fail": "The images looked like a photo of a screen or a printed picture.",
    "card.spoofing.next": (
        "Retake your face photos yourself, in good light, with nothing covering your face. Do not "
        "hold up a photo or a screen."
    ),
    "card.spoofing.next_card": (
        "Retake your ID card itself, not a photo, a printout or a screen showing it."
    ),
    "card.liveness.title": "Liveness",
    "card.liveness.means": (
        "Checks that the three face photos show a live person in front of the camera, and that "
        "the face matches the photo on your card."
    ),
    "card.liveness.pass": "You were recognised as a live person.",
    "card.liveness.fail": "The liveness check did not pass.",
    "card.liveness.next": (
        "Retake the face photos: face the camera directly, in even light, and keep still for a "
        "moment."
    ),
    "card.aml.title": "Compliance screening",
    "card.aml.means": (
        "A routine screening that every regulated provider runs for every customer."
    ),
    "card.aml.clear": "No further checks are needed.",
    "card.aml.review": (
        "Your details need a manual review by our team. This is routine and does not mean that "
        "anything is wrong."
    ),
    "card.aml.next_review": (
        "You don't need to do anything now. Our team will contact you if they need more "
        "information."
    ),
    "card.src.title": "Official record check",
    "card.src.means": "Compares the details on your card with the issuing authority's records.",
    "card.src.pass": "Your card details match the official record.",
    "card.src.fail": "Your card details could not be confirmed with the official record.",
    "card.src.detail": "Details: {message}",
    "card.src.next": (
        "You don't need to do anything now. Our team will check your details against the "
        "official record and contact you if they need more information."
    ),
    "card.validations.title": "Card data checks",
    "card.validations.means": (
        "Checks each field read from your card: ID number, dates, governorate and so on."
    ),
    "card.validations.pass": "All fields passed.",
    "card.validations.fail": "Some fields did not pass:",
    "card.validations.field": "{field}: {message}",
    "card.validations.next": (
        "Retake the card so every field is sharp and readable, with no glare or fingers over the "
        "text."
    ),
    "card.classification.title": "Document type",
    "card.classification.means": "Which document Vlens recognised in your photo.",
    "card.classification.value": "Recognised as: {doc_type}",
    "card.classification.national_id": "Egyptian national ID card",
    "card.classification.next_other": "Use your Egyptian national ID card.",
    "card.flags.title": "Final checks",
    "card.flags.means": (
        "Vlens' overall answer: whether every verification step passed its own checks, and "
        "whether your identity was also confirmed with the national authorities."
    ),
    "card.flags.completed": "All verification steps passed: {value}",
    "card.flags.verified": "Identity confirmed with the authorities: {value}",
    "card.flags.next_incomplete": "Follow the next steps in the checks above, then retry.",
    "card.flags.next_authority": (
        "Check that your ID card is current and valid, then contact support with your "
        "transaction id."
    ),
    # Extracted data
    "extracted.title": "Details read from your card",
    "extracted.show_id": "Show my national ID number",
    "extracted.field.name": "Name",
    "extracted.field.name_english": "Name (English)",
    "extracted.field.address": "Address",
    "extracted.field.govern": "Governorate",
    "extracted.field.dateOfBirth": "Date of birth",
    "extracted.field.gender": "Gender",
    "extracted.field.idNumber": "National ID number",
    "extracted.field.maritalStatus": "Marital status",
    "extracted.field.job": "Profession",
    "extracted.field.religion": "Religion",
    "extracted.field.releaseDate": "Issue date",
    "extracted.field.idExpiry": "Expiry date",
    # Result actions
    "results.retry": "Retry submission",
    "results.start_over": "Start over",
    "results.delete": "Delete my data now",
    "results.receipt": "Download receipt (JSON)",
    "results.receipt_help": (
        "A record of what was sent: each image's size, dimensions, capture time and SHA-256 "
        "fingerprint, the request ids and the transaction id. It contains no images and no "
        "passwords."
    ),
    # --- Capture engine (issue 8): resolution wait, manual capture without a subject, review ---
    "hint.low_resolution": "Hold the card there: the camera is still sharpening the picture…",
    "capture.manual_blocked": "Can't take the photo yet: {reason}",
    "review.low_resolution": (
        "Your camera gave a low-resolution picture of this card side; if the details read from "
        "it are wrong, retake it closer to the camera or upload a photo instead."
    ),
    # ---- Customer flow (issue 9): attempts, the "Verifying…" screen --------------------------
    "nav.verifying": "Verifying",
    "attempt.busy": (
        "The service is busy right now. Please try again in a few minutes."
    ),
    "attempt.expired.title": "This session has ended",
    "attempt.expired.body": (
        "This link belongs to a verification that has ended: it expired after a while without "
        "activity, or its data was deleted. Your photos are no longer kept. You can start again."
    ),
    "attempt.expired.restart": "Start again",
    "verifying.title": "Verifying…",
    "verifying.intro": (
        "Your photos are being checked. This usually takes under half a minute. You can stay "
        "on this page: the result opens by itself."
    ),
    "verifying.progress": "{done} of {total} checks done",
    "verifying.step_line": "Check {index} of {total}: {name} — {state}",
    "verifying.step_done": "done",
    "verifying.step_running": "in progress",
    "verifying.step_failed": "stopped",
    "verifying.step_waiting": "waiting",
    "verifying.elapsed": "Time so far: {seconds} s",
    # ---- Customer flow (issue 9): the results page -----------------------------------------
    "results.checks_heading": "The checks",
    "results.card_heading": "{title}: {status}",
    "card.status.passed": "passed",
    "card.status.failed": "did not pass",
    "card.status.review": "needs review",
    "card.status.info": "for information",
    "results.support_details": "Details for support",
    "results.request_id": "Request id ({step}):\n{id}",
    "results.delete_confirm": (
        "Delete your photos and results from this session now? This cannot be undone."
    ),
    "results.delete_yes": "Yes, delete now",
    "results.delete_no": "Cancel",
    # ---- Customer flow (issue 9): capture page ---------------------------------------------
    "capture.front_camera_hint": (
        "Now your face: use the front camera, on the screen side of your phone."
    ),
    "capture.front_camera_button": "Switch to the front camera",
    "capture.press_start": "Press Start to turn on the camera.",
    "capture.video_label": "Your camera picture, with the frame to place your card or face in",
    # ---- Customer flow (issue 9): uploads checked like camera shots ------------------------
    "upload.no_card": (
        "We could not find an ID card in this photo, so it was not added. Photograph the whole "
        "card, flat, on a plain dark background, and upload it again."
    ),
    "upload.wrong_side.id_front": (
        "This looks like the back of the card (no portrait photo), so it was not added. Please "
        "upload the front, the side with your photo."
    ),
    "upload.wrong_side.id_back": (
        "This looks like the front of the card (it has your photo), so it was not added. Please "
        "upload the back of the card."
    ),
    # ---- Customer flow (issue 9): fixed words in the data read from the card -------------
    "extracted.value.female": "Female",
    "extracted.value.male": "Male",
    "extracted.value.single": "Single",
    "extracted.value.married": "Married",
    "extracted.value.divorced": "Divorced",
    "extracted.value.widowed": "Widowed",
    # Integration: verification links and the way back to the business (issue 11)
    "link.business_default": "the business that sent you",
    "link.refused.title": "This verification link cannot be used",
    "link.refused.malformed": (
        "The link is incomplete or damaged. Open it again from the message you received, or "
        "ask the business that sent it for a new one."
    ),
    "link.refused.tampered": (
        "This link has been changed since it was sent, so it cannot be trusted. Ask the "
        "business that sent it for a new link."
    ),
    "link.refused.expired": (
        "This link has expired. Ask the business that sent it for a new link."
    ),
    "link.refused.used": (
        "This link was already used to finish a verification. If you need to verify again, "
        "ask the business that sent it for a new link."
    ),
    "link.refused.not_configured": (
        "Verification links are not set up on this service yet. Please contact the business "
        "that sent you."
    ),
    "link.required.title": "Please open your personal verification link",
    "link.required.body": (
        "Identity checks here start from the link the business sent you (by SMS, e-mail or in "
        "their app). Open that link to begin."
    ),
    "link.reference": "Your reference with {business}: {reference}",
    "link.back": "Back to {business}",
    "link.back_help": "Takes you back to {business} with the result of this verification.",
    "link.not_passed_on": (
        "Your result could not be passed on to {business} automatically. Keep the transaction "
        "id from this page; {business} can confirm the result with it."
    ),
    # ---- Continue on your phone (hand-off by QR code) ----
    "nav.handoff": "On your phone",
    "handoff.title": "Continue on your phone",
    "handoff.offer.button": "Use your phone instead",
    "handoff.offer.hint": (
        "Phone cameras usually take clearer photos of an ID card. Scan a code with your phone "
        "and continue there."
    ),
    "handoff.offer.none": (
        "We could not find a camera on this computer. Continue on your phone: scan a code "
        "and take the photos there."
    ),
    "handoff.offer.denied": (
        "This browser may not use the camera. Continue on your phone instead, or allow the "
        "camera in your browser's settings."
    ),
    "handoff.offer.trouble": "Not working here? Your phone's camera may do better.",
    "handoff.intro": (
        "Scan this code with your phone's camera and follow the steps there. Keep this page "
        "open: it updates by itself and shows your result."
    ),
    "handoff.qr_alt": "QR code that opens this verification on your phone",
    "handoff.link_label": "Or open this link on your phone:",
    "handoff.copy": "Copy link",
    "handoff.copied": "Link copied.",
    "handoff.copy_failed": "Could not copy. Select the link above and copy it.",
    "handoff.rules": (
        "The link works once, on one phone, and must be opened within {minutes} minutes."
    ),
    "handoff.status_heading": "Progress",
    "handoff.status.waiting": "Waiting for your phone to open the link…",
    "handoff.status.connected": "Your phone is connected.",
    "handoff.status.capturing": "Taking photos on your phone…",
    "handoff.status.verifying": "Verifying…",
    "handoff.status.done": "Your result is ready.",
    "handoff.status.expired": "The code expired before it was opened.",
    "handoff.status.cancelled": "You took the verification back to this computer.",
    "handoff.status_unknown": "Checking your phone's progress…",
    "handoff.stage.waiting": "Open the link on your phone",
    "handoff.stage.connected": "Phone connected",
    "handoff.stage.capturing": "Taking photos",
    "handoff.stage.verifying": "Verifying",
    "handoff.stage.done": "Result",
    "handoff.stage_done": "{name}: done",
    "handoff.stage_now": "**{name}: now**",
    "handoff.stage_next": "{name}: next",
    "handoff.expired": "Show a new code to continue on your phone, or take the photos here.",
    "handoff.phone_quiet": (
        "We have not heard from your phone for over a minute. If the page there was closed, "
        "show a new code and scan it again, or take the photos on this computer."
    ),
    "handoff.too_late_to_take_back": (
        "Your phone is already sending the photos. Its result will show here in a moment."
    ),
    "handoff.new_code": "Show a new code",
    "handoff.cancel": "Take the photos on this computer instead",
    "handoff.unavailable": (
        "Continuing on a phone is not available right now. Please take the photos on this "
        "computer or upload them."
    ),
    "handoff.result.on_phone": (
        "You finished on your phone. It shows the details and anything else you can do."
    ),
    "handoff.refused.title": "This phone link cannot be used",
    "handoff.refused.malformed": (
        "This link is incomplete or mistyped. Scan the code on your computer again."
    ),
    "handoff.refused.tampered": (
        "This link has been changed, so it cannot be trusted. Scan the code on your computer "
        "again."
    ),
    "handoff.refused.expired": (
        "This link has expired: it must be opened within 10 minutes. Choose “Show a new "
        "code” on your computer and scan it."
    ),
    "handoff.refused.used": (
        "This link was already used to finish a verification. Each link works only once."
    ),
    "handoff.refused.other_device": (
        "This link is already open on another phone. It works on one phone only. To use this "
        "one, choose “Take the photos on this computer instead” on your computer and then "
        "“Use your phone instead” again."
    ),
    "handoff.refused.cancelled": (
        "This link was cancelled on the computer. To continue on a phone, scan the new code "
        "shown there."
    ),
    "handoff.refused.not_configured": (
        "Continuing on a phone is not set up on this service. Please use your computer."
    ),
    "handoff.taken_back.title": "Continued on the computer",
    "handoff.taken_back.body": (
        "The verification was taken back on the computer, so this phone has stopped. Nothing "
        "taken here was kept. You can close this page."
    ),
}
